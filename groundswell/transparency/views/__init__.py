"""Split by what they serve: the receipt and key pages, the JSON proofs."""
