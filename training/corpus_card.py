"""Print the count tables of the corpus data card (corpora/README.md) from the data.

    python training/corpus_card.py

Paste the output between the card's table markers; tests/test_corpus.py checks
that the card and the data agree.
"""

from stance._corpus import read_corpus
from stance._corpus_stats import country_majority_accuracy, tables

if __name__ == "__main__":
    rows = read_corpus()
    print(tables(rows))
    print(f"\ncountry-majority baseline accuracy on the test split: {country_majority_accuracy(rows):.3f}")
