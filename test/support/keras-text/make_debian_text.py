"""Writes test/fixtures/keras-text-debian: real text in the layout of Keras' imdb.npz and reuters.npz, so the catalog's
imdb and reuters loaders (and the templates shaped for them) train on sentences a model can learn from. The text is
../shared/datasets/debian-package-sections (one-line Debian package descriptions labelled with their section).

As Keras built its files: each description split by text_to_word_sequence (lower case, punctuation removed), words
ranked by frequency over the whole file (rank 1 the most frequent; ties by first appearance), each word stored as its
rank, so load_data's start_char=1, oov_char=2, index_from=3 apply unchanged; the word index maps word -> rank.
- debian-imdb.npz: binary like IMDB (x_train, y_train, x_test, y_test): 'net' = 1, 'science' = 0 (the two largest
  sections), 200 + 200 rows of train.csv and 100 + 100 of test.csv.
- debian-reuters.npz: topics like Reuters (x, y; load_data shuffles with seed 113 and holds out the last 20%): all 8
  sections as topic ids 0..7 (in the order of SECTIONS), 1,200 rows of train.csv in their real proportions.
Run with /usr/bin/python3 (numpy):
  /usr/bin/python3 test/support/keras-text/make_debian_text.py ../shared/datasets/debian-package-sections test/fixtures/keras-text-debian
"""
import csv, json, os, sys
from collections import Counter
import numpy as np

source, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
# Enough rows that the Conv1D template (640,000 embedding weights) learns the 8 topics well above the majority class.
ROWS = 1200
SECTIONS = ['games', 'science', 'net', 'admin', 'sound', 'graphics', 'text', 'mail']

def text_to_word_sequence(text, filters='!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', split=' '):
    """keras.preprocessing.text.text_to_word_sequence with its defaults (lower=True)."""
    return [w for w in text.lower().translate(str.maketrans({c: split for c in filters})).split(split) if w]

def read(name):
    with open(os.path.join(source, name), newline='', encoding='utf-8') as f:
        return [(row['text'], row['label']) for row in csv.DictReader(f)]

train_rows, test_rows = read('train.csv'), read('test.csv')
rng = np.random.RandomState(16)

def pick(rows, section, n):
    mine = [r for r in rows if r[1] == section]
    return [mine[i] for i in sorted(rng.choice(len(mine), n, replace=False))]

def interleave(a, b):
    """Alternating rows of two classes, so a prefix of the split (--limit-train) keeps both."""
    return [r for pair in zip(a, b) for r in pair]

imdb_train = interleave(pick(train_rows, 'net', 200), pick(train_rows, 'science', 200))
imdb_test = interleave(pick(test_rows, 'net', 100), pick(test_rows, 'science', 100))
counts = Counter(r[1] for r in train_rows)
reuters_rows = []
for s in SECTIONS:
    reuters_rows += pick(train_rows, s, round(ROWS * counts[s] / len(train_rows)))
reuters_rows = [reuters_rows[i] for i in rng.permutation(len(reuters_rows))]

def word_index(rows):
    freq = Counter()
    order = {}
    for text, _ in rows:
        for w in text_to_word_sequence(text):
            freq[w] += 1
            order.setdefault(w, len(order))
    ranked = sorted(freq, key=lambda w: (-freq[w], order[w]))
    return {w: i + 1 for i, w in enumerate(ranked)}

def objects(seqs):
    a = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        a[i] = s
    return a

def encode(rows, index):
    return objects([[index[w] for w in text_to_word_sequence(text)] for text, _ in rows])

imdb_index = word_index(imdb_train + imdb_test)
np.savez_compressed(
    f'{out}/debian-imdb.npz',
    x_train=encode(imdb_train, imdb_index), y_train=np.array([int(l == 'net') for _, l in imdb_train], dtype=np.int64),
    x_test=encode(imdb_test, imdb_index), y_test=np.array([int(l == 'net') for _, l in imdb_test], dtype=np.int64),
)
json.dump(imdb_index, open(f'{out}/debian-imdb_word_index.json', 'w'))

reuters_index = word_index(reuters_rows)
np.savez_compressed(
    f'{out}/debian-reuters.npz',
    x=encode(reuters_rows, reuters_index), y=np.array([SECTIONS.index(l) for _, l in reuters_rows], dtype=np.int64),
)
json.dump(reuters_index, open(f'{out}/debian-reuters_word_index.json', 'w'))
print(f'imdb: {len(imdb_train)} train, {len(imdb_test)} test, {len(imdb_index)} words; '
      f'reuters: {len(reuters_rows)} rows, {len(reuters_index)} words, topics {dict(Counter(l for _, l in reuters_rows))}')
