"""Writes test/fixtures/keras-text: small files in the layout of Keras' imdb.npz and reuters.npz (numpy object
arrays of int lists, pickled inside .npy entries), the same arrays pickled with other protocols, malicious or
foreign pickles the reader must refuse, and what Keras' load_data returns for them (its algorithm, copied from
keras/src/datasets/imdb.py and reuters.py, run with numpy's RandomState). Run with /usr/bin/python3 (numpy):
  /usr/bin/python3 test/support/keras-text/make_fixtures.py test/fixtures/keras-text
"""
import io, json, os, pickle, sys, zipfile
import numpy as np

out = sys.argv[1]
rng = np.random.RandomState(0)

def seqs(n, vocab, lo, hi):
    a = np.empty(n, dtype=object)
    for i in range(n):
        a[i] = [int(w) for w in rng.randint(1, vocab, size=rng.randint(lo, hi))]
    return a

imdb = dict(x_train=seqs(30, 60, 3, 25), y_train=rng.randint(0, 2, 30).astype(np.int64),
            x_test=seqs(20, 60, 3, 25), y_test=rng.randint(0, 2, 20).astype(np.int64))
np.savez(f'{out}/imdb-mini.npz', **imdb)
reuters = dict(x=seqs(40, 80, 2, 30), y=rng.randint(0, 46, 40).astype(np.int64))
np.savez_compressed(f'{out}/reuters-mini.npz', **reuters)

def npy_with_pickle(payload):
    """A .npy of dtype object whose data is `payload` (as np.save writes it, but with any pickle bytes)."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {'descr': '|O', 'fortran_order': False, 'shape': (2,)})
    return buf.getvalue() + payload

small = np.empty(2, dtype=object); small[0] = [1, 2, 3]; small[1] = [70000, 2 ** 40, 5]
for proto in (2, 4, 5):
    open(f'{out}/object-array.protocol{proto}.npy', 'wb').write(npy_with_pickle(pickle.dumps(small, protocol=proto)))

class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))
bad = {
    'evil-os-system': pickle.dumps(Evil(), protocol=2),
    'evil-inside-array': pickle.dumps(np.array([Evil(), [1]], dtype=object), protocol=3),
    'floats': pickle.dumps(np.array([[1.5, 2.0], [3]], dtype=object), protocol=3),
    'dict': pickle.dumps({'a': 1}, protocol=3),
}
for name, payload in bad.items():
    open(f'{out}/{name}.npy', 'wb').write(npy_with_pickle(payload))

# Keras' algorithm (keras/src/datasets/imdb.py, reuters.py; remove_long_seq keeps len(x) < maxlen).
def remove_long_seq(maxlen, seq, label):
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x); new_label.append(y)
    return new_seq, np.array(new_label)

def finish(xs, num_words, skip_top, oov_char):
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]

def mark(xs, start_char, index_from):
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]

def imdb_load(num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3):
    x_train, labels_train, x_test, labels_test = imdb['x_train'], imdb['y_train'], imdb['x_test'], imdb['y_test']
    r = np.random.RandomState(seed)
    i = np.arange(len(x_train)); r.shuffle(i); x_train, labels_train = x_train[i], labels_train[i]
    i = np.arange(len(x_test)); r.shuffle(i); x_test, labels_test = x_test[i], labels_test[i]
    x_train, x_test = mark(x_train, start_char, index_from), mark(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
    xs = finish(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    return dict(x_train=xs[:idx], y_train=labels[:idx].tolist(), x_test=xs[idx:], y_test=labels[idx:].tolist())

def reuters_load(num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1, oov_char=2, index_from=3):
    xs, labels = reuters['x'], reuters['y']
    r = np.random.RandomState(seed)
    i = np.arange(len(xs)); r.shuffle(i); xs, labels = xs[i], labels[i]
    xs = mark(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = finish(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return dict(x_train=xs[:idx], y_train=labels[:idx].tolist(), x_test=xs[idx:], y_test=labels[idx:].tolist())

def pad(seqs, maxlen):
    """keras.utils.pad_sequences with its defaults (pre padding, pre truncating, value 0)."""
    outp = np.zeros((len(seqs), maxlen), dtype=np.int32)
    for k, s in enumerate(seqs):
        t = s[-maxlen:]
        if len(t): outp[k, -len(t):] = t
    return outp.tolist()

expected = {
    'imdb default': imdb_load(),
    'imdb num_words=30 skip_top=5 maxlen=20 seed=7': imdb_load(num_words=30, skip_top=5, maxlen=20, seed=7),
    'reuters default': reuters_load(),
    'reuters num_words=40 test_split=0.25 index_from=0 start_char=5': reuters_load(num_words=40, test_split=0.25, index_from=0, start_char=5),
    'shuffle arange(1000) seed=113 then arange(7)': (lambda r: [list(map(int, r.permutation(1000))), list(map(int, r.permutation(7)))])(np.random.RandomState(113)),
}
expected['imdb default padded to 12'] = pad(expected['imdb default']['x_train'], 12)
# The options the CLI and the window set (config.dataset.text), away from every default at once.
OPTIONS = {
    'reuters': dict(num_words=50, skip_top=6, maxlen=24, seed=11, start_char=1, oov_char=3, index_from=4),
    'imdb': dict(num_words=45, skip_top=2, maxlen=21, seed=5, start_char=None, oov_char=None, index_from=0),
}
expected['reuters options'] = reuters_load(**OPTIONS['reuters'])
expected['reuters options padded to 16'] = pad(expected['reuters options']['x_train'], 16)
expected['imdb options'] = imdb_load(**OPTIONS['imdb'])
json.dump(expected, open(f'{out}/expected.json', 'w'))

# Word indices in the layout of imdb_word_index.json / reuters_word_index.json (word -> frequency rank, 1-based) for
# the mini files' ranks, and what Keras' conventions make of them: ids decoded to words (0 = padding and start_char
# left out, oov_char read as [UNK]) and typed sentences encoded as load_data encodes a review (start_char, then
# rank + index_from, oov_char for unknown words and those cut by num_words), split by text_to_word_sequence.
WORDS = ("the and a of to is br in it i this that was as for with movie but film on not you are his have he be one "
         "all at by an they who so from like her or just about it's out has if some there what good more when very up "
         "no time even she my would which only story really see their had can were me well than we much been bad get "
         "will do also into people other first great because how him most don't made its then way make them too").split()
imdb_index = {w: i + 1 for i, w in enumerate(WORDS[:59])}
reuters_index = {w: i + 1 for i, w in enumerate(WORDS[:79])}
json.dump(imdb_index, open(f'{out}/imdb-mini_word_index.json', 'w'))
json.dump(reuters_index, open(f'{out}/reuters-mini_word_index.json', 'w'))

def text_to_word_sequence(text, filters='!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', split=' '):
    """keras.preprocessing.text.text_to_word_sequence with its defaults (lower=True)."""
    return [w for w in text.lower().translate(str.maketrans({c: split for c in filters})).split(split) if w]

def decode(ids, index, index_from=3, start_char=1, oov_char=2):
    reverse = {rank + index_from: w for w, rank in index.items()}
    return ' '.join('[UNK]' if i == oov_char else reverse.get(i, '[UNK]') for i in ids if i not in (0, start_char))

def encode(text, index, num_words=None, index_from=3, start_char=1, oov_char=2, skip_top=0):
    ids = [start_char] + [index[w] + index_from if w in index else oov_char for w in text_to_word_sequence(text)]
    return [w if skip_top <= w and (num_words is None or w < num_words) else oov_char for w in ids]

SENTENCES = ["This movie was GREAT -- it's the best film, don't miss it!", 'A zyxxy plot (really) about nothing...']
imdb20 = imdb_load(num_words=20)
word_index_expected = {
    'imdb default x_train[:3] decoded': [decode(x, imdb_index) for x in expected['imdb default']['x_train'][:3]],
    'imdb num_words=20 x_train[:3]': imdb20['x_train'][:3],
    'imdb num_words=20 x_train[:3] decoded': [decode(x, imdb_index) for x in imdb20['x_train'][:3]],
    'reuters default x_train[0] decoded': decode(expected['reuters default']['x_train'][0], reuters_index),
    'sentences': SENTENCES,
    'sentences encoded': [encode(s, imdb_index) for s in SENTENCES],
    'sentences encoded num_words=20': [encode(s, imdb_index, num_words=20) for s in SENTENCES],
    'sentences padded to 12 num_words=20': pad([encode(s, imdb_index, num_words=20) for s in SENTENCES], 12),
    'reuters options x_train[:2] decoded': [decode(x, reuters_index, index_from=4, start_char=1, oov_char=3)
                                            for x in expected['reuters options']['x_train'][:2]],
    'reuters options sentences encoded': [encode(s, reuters_index, num_words=50, index_from=4, start_char=1, oov_char=3,
                                                 skip_top=6) for s in SENTENCES],
}
json.dump(word_index_expected, open(f'{out}/word-index-expected.json', 'w'), indent=1)
