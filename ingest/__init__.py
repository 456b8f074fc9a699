"""Documents → clean text → chunks → versioned hybrid index (Chroma + BM25)."""
