"""The ground floor: settings, errors and the offline guard, which every other package may use and which use none."""
