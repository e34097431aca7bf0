/**
 * Dataset loading shared by both Python exports' train.py: the standard files (MNIST / Fashion-MNIST IDX .gz,
 * CIFAR-10 python pickles) read with numpy alone, downloaded from their canonical hosts when missing.
 * Images come out channels-last float32 (N, H, W, C), labels int64.
 */
export const PYTHON_DATA_CODE = `
DATASET_FILES = {
    'mnist': ('https://storage.googleapis.com/cvdf-datasets/mnist/',
              ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
               't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']),
    'fashion_mnist': ('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
                      ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
                       't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']),
    'cifar10': ('https://www.cs.toronto.edu/~kriz/', ['cifar-10-python.tar.gz']),
}


def download_dataset(name, data_dir):
    """Fetches the dataset's standard files into data_dir unless they are there already."""
    if name not in DATASET_FILES:
        raise SystemExit(f'unknown dataset {name!r}; expected one of {sorted(DATASET_FILES)}')
    base, files = DATASET_FILES[name]
    os.makedirs(data_dir, exist_ok=True)
    for file in files:
        path = os.path.join(data_dir, file)
        if name == 'cifar10' and os.path.isdir(os.path.join(data_dir, 'cifar-10-batches-py')):
            continue
        if not os.path.exists(path):
            print(f'downloading {base}{file} -> {path}', flush=True)
            urllib.request.urlretrieve(base + file, path)


def read_idx(path):
    """An IDX file (plain or gzip) as a numpy array: magic 0 0 type ndim, big-endian dims, then the values."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\\x1f\\x8b':
        raw = gzip.decompress(raw)
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4', 0x0E: '>f8'}
    ndim = raw[3]
    dims = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=dtypes[raw[2]], offset=4 + 4 * ndim).reshape(dims)


def load_dataset(name, data_dir):
    """(x_train, y_train), (x_test, y_test) as tf.keras.datasets gives them: uint8 images, channels last."""
    if name in ('mnist', 'fashion_mnist'):
        def part(kind, what):
            return read_idx(os.path.join(data_dir, f'{kind}-{what}-idx{3 if what == "images" else 1}-ubyte.gz'))
        x_train, y_train = part('train', 'images'), part('train', 'labels')
        x_test, y_test = part('t10k', 'images'), part('t10k', 'labels')
        return (x_train[..., None], y_train.astype(np.int64)), (x_test[..., None], y_test.astype(np.int64))
    if name == 'cifar10':
        folder = os.path.join(data_dir, 'cifar-10-batches-py')
        if not os.path.isdir(folder):
            with tarfile.open(os.path.join(data_dir, 'cifar-10-python.tar.gz')) as tar:
                tar.extractall(data_dir)

        def batch(file):
            with open(os.path.join(folder, file), 'rb') as f:
                d = pickle.load(f, encoding='bytes')
            return d[b'data'].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.array(d[b'labels'], dtype=np.int64)
        parts = [batch(f'data_batch_{i}') for i in range(1, 6)]
        x_test, y_test = batch('test_batch')
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])), (x_test, y_test)
    raise SystemExit(f'unknown dataset {name!r}; expected one of {sorted(DATASET_FILES)}')
`;
