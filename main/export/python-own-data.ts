/**
 * The user's own data in both exported train.py scripts: `--data PATH` (default: the data the run trained on) read
 * as Layerlab reads it (main/datasets/own-data.ts and the readers it calls) and prepared with the run's stored record
 * (config.dataset.preprocessing, shared/data-preprocessing.ts), never fitted again, so the program trains on the
 * very samples Layerlab trained on:
 * - CSV tables: the stored label column, feature columns by name, standardisation with the stored mean/std, one-hot
 *   columns with the stored categories (an unseen one encodes as zeros), labels mapped through the stored classes;
 * - image folders (class sub-folders, or train/ and test/): the stored classes, size and colour. Colour -> grey is
 *   linear-light Rec. 709 luminance as libvips (Layerlab's decoder) computes it, within 1 grey level; a resize uses
 *   PIL's Lanczos filter (libvips: lanczos3), so resized pixels may differ by a few levels;
 * - Keras-layout .npz, .npy files, IDX folders (gzip or not), as Layerlab pairs their files.
 * Validation is the stored record's: the data's test split, or the LAST fraction of the rows in file order.
 */
import { ownDatasetOf } from '../../shared/data-preprocessing';
import { catalog, findCatalogEntry } from '../datasets/catalog';
import { pyLiteral } from './python-names';
import { ownTextLiteral, PYTHON_OWN_TEXT_CODE, textReadme } from './python-own-text';
import type { ExportTrainingConfig } from './types';

export const PYTHON_OWN_DATA_CODE = `

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.gif')


def own_record():
    """The run's record of how it read the user's own data (None for a catalog dataset)."""
    return CONFIG['dataset'].get('preprocessing') if isinstance(CONFIG['dataset'], dict) else None


def own_source():
    return CONFIG['dataset'].get('source') or {}


def read_maybe_gzip(path):
    with open(path, 'rb') as f:
        raw = f.read()
    return gzip.decompress(raw) if raw[:2] == b'\\x1f\\x8b' else raw


def js_number_text(value):
    """The text JavaScript's String(Number(cell)) gives, so a label '1.0' finds class '1' as in Layerlab."""
    try:
        v = float(value)
    except ValueError:
        return None
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return repr(v)


def papa_delimiter(text):
    """The delimiter Papa Parse (Layerlab's CSV reader) guesses: of ',', tab, '|', ';' and the ASCII record and unit
    separators, the one whose first 10 rows have the steadiest field count (ties: more fields), at least 2 fields."""
    best, best_delta, best_fields = ',', None, 0
    for delimiter in (',', '\\t', '|', ';', '\\x1e', '\\x1f'):
        first = [r for _, r in zip(range(10), csv.reader(io.StringIO(text), delimiter=delimiter))]
        counts = [len(r) for r in first if r not in ([], [''])]
        delta = sum(abs(b - a) for a, b in zip(counts, counts[1:]))
        average = sum(counts) / len(counts) if counts else 0
        if average > 1.99 and (best_delta is None or delta < best_delta or (delta == best_delta and average > best_fields)):
            best, best_delta, best_fields = delimiter, delta, average
    return best


def read_table(path):
    """A CSV (or .csv.gz) with a header row, decoded as Layerlab decodes it (UTF-8, a byte order mark dropped,
    invalid bytes replaced); the delimiter is guessed as Papa Parse does."""
    text = read_maybe_gzip(path).decode('utf-8', 'replace').lstrip('\\ufeff').strip()
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=papa_delimiter(text)) if r and r != ['']]
    if not rows:
        raise SystemExit(f'{path} is empty: a CSV needs a header row naming the columns, then one row per sample')
    names = [n.strip() for n in rows[0]]
    for r, row in enumerate(rows[1:]):
        if len(row) != len(names):
            raise SystemExit(f'{path}: row {r + 1} (line {r + 2}) has {len(row)} cells, the header has {len(names)}')
    return names, rows[1:]


def encode_table(path, record):
    """Features and labels of a table with the run's stored plan: (raw features float32, labels)."""
    names, rows = read_table(path)

    def column(name):
        if name not in names:
            raise SystemExit(f'{path} has no column {name!r}, which the training data had; its columns are: '
                             f'{", ".join(names)}. Pass --data with a table of the same columns')
        return names.index(name)
    features = record['features']
    columns = [(f, column(f['name'])) for f in features]
    label_at = column(record['label_column'])
    width = sum(1 if f['type'] == 'numeric' else len(f['categories']) for f in features)
    x = np.zeros((len(rows), width), dtype=np.float32)
    classes = {name: i for i, name in enumerate(record.get('class_names') or [])}
    regression = record['task'] == 'regression'
    y = np.zeros(len(rows), dtype=np.float32 if regression else np.int64)
    for r, row in enumerate(rows):
        where = f'{path}: row {r + 1} (line {r + 2})'
        j = 0
        for f, at in columns:
            cell = row[at].strip()
            if f['type'] == 'numeric':
                try:
                    value = float(cell)
                except ValueError:
                    value = float('nan')
                if not math.isfinite(value):
                    raise SystemExit(f"{where}, column {f['name']!r}: " +
                                     ('the value is missing' if cell == '' else f'{cell!r} is not a number') +
                                     '. Fill in or drop missing values first')
                x[r, j] = value
                j += 1
            else:
                if cell in f['categories']:
                    x[r, j + f['categories'].index(cell)] = 1
                j += len(f['categories'])
        label = row[label_at].strip()
        if regression:
            try:
                y[r] = float(label)
            except ValueError:
                raise SystemExit(f"{where}, column {record['label_column']!r}: {label!r} is not a number, and "
                                 f"regression needs numeric targets")
        else:
            k = classes.get(label, classes.get(js_number_text(label)))
            if k is None:
                raise SystemExit(f"{where}, column {record['label_column']!r}: class {label!r} is not among the "
                                 f"training data's classes ({', '.join(list(classes)[:10])})")
            y[r] = k
    return x, y


def table_normaliser(record):
    """(offset, scale) per input from the stored feature records: numeric (x - mean) / std, one-hot unchanged."""
    offset, scale = [], []
    for f in record['features']:
        if f['type'] == 'numeric':
            offset.append(f['mean'])
            scale.append(1 / f['std'])
        else:
            offset += [0.0] * len(f['categories'])
            scale += [1.0] * len(f['categories'])
    return np.array(offset, dtype=np.float32), np.array(scale, dtype=np.float32)


def decode_image(path, height, width, color):
    """One image as Layerlab decodes it: first frame, alpha dropped, resized to (height, width), grey or RGB."""
    from PIL import Image  # only image data needs Pillow (pip install pillow)
    try:
        with Image.open(path) as img:
            img.seek(0)
            rgb = img.convert('RGB')
            if rgb.size != (width, height):
                rgb = rgb.resize((width, height), Image.LANCZOS)
    except OSError as err:
        raise SystemExit(f'{path}: cannot decode image ({err}). Remove it or replace it with a valid PNG/JPEG/BMP/GIF')
    pixels = np.asarray(rgb, dtype=np.uint8)
    if color == 'rgb':
        return pixels
    # libvips' sRGB -> B_W: luminance in linear light, back to sRGB.
    s = pixels.astype(np.float64) / 255
    linear = np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)
    lum = linear @ np.array([0.2126, 0.7152, 0.0722])
    grey = np.where(lum <= 0.0031308, lum * 12.92, 1.055 * lum ** (1 / 2.4) - 0.055)
    return np.clip(np.round(grey * 255), 0, 255).astype(np.uint8)[..., None]


def read_image_split(folder, record):
    """The images under folder/<class>/ for the stored classes (sorted file names), skipping other files."""
    classes = record['class_names']
    image = record['image']
    present = sorted(e for e in os.listdir(folder) if os.path.isdir(os.path.join(folder, e)) and not e.startswith('.'))
    unknown = [c for c in present if c not in classes]
    if unknown:
        raise SystemExit(f'{folder} has class folders the run did not train on: {", ".join(unknown)} (its classes: '
                         f'{", ".join(classes[:20])}). Remove them, or train a new run in Layerlab on this data')
    files = []
    for label, name in enumerate(classes):
        sub = os.path.join(folder, name)
        if os.path.isdir(sub):
            files += [(os.path.join(sub, f), label) for f in sorted(os.listdir(sub))
                      if not f.startswith('.') and os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS]
    if not files:
        raise SystemExit(f'no .png/.jpg/.jpeg/.bmp/.gif images found under {folder}/<class>/')
    channels = 1 if image['color'] == 'grayscale' else 3
    x = np.zeros((len(files), image['height'], image['width'], channels), dtype=np.uint8)
    for i, (path, _) in enumerate(files):
        x[i] = decode_image(path, image['height'], image['width'], image['color'])
    return x, np.array([label for _, label in files], dtype=np.int64)


def own_labels(y, record, where):
    if record['task'] == 'regression':
        return y.astype(np.float32).reshape(len(y))
    y = y.reshape(len(y))
    if len(y) and (not np.all(np.equal(np.mod(y, 1), 0)) or y.min() < 0 or y.max() >= len(record['class_names'])):
        raise SystemExit(f"{where}: labels must be integers 0..{len(record['class_names']) - 1}, the run's classes")
    return y.astype(np.int64)


def own_samples(x):
    """Samples as Layerlab keeps them: uint8 stays uint8 (scaled by 1/255 later), other dtypes become float32;
    (N, H, W) images get a channel axis."""
    if x.ndim == 3:
        x = x[..., None]
    return x if x.dtype == np.uint8 else x.astype(np.float32)


def read_npy_arrays(path):
    """x_train/y_train (and x_test/y_test) from an .npz, a folder of .npy files, or x_*.npy with y_*.npy beside it."""
    if path.lower().endswith('.npz'):
        with np.load(path, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive.files}
    if os.path.isdir(path):
        return {k: np.load(os.path.join(path, k + '.npy'), allow_pickle=False)
                for k in ('x_train', 'y_train', 'x_test', 'y_test') if os.path.exists(os.path.join(path, k + '.npy'))}
    folder, base = os.path.split(path)
    y_name = 'y_' + base[2:] if base.lower().startswith('x_') else 'y.npy' if base.lower() == 'x.npy' else None
    if not y_name or not os.path.exists(os.path.join(folder, y_name)):
        raise SystemExit(f'{path}: where are the labels? Put them beside it as {y_name or "y_train.npy"}')
    return {'x_train': np.load(path, allow_pickle=False), 'y_train': np.load(os.path.join(folder, y_name), allow_pickle=False)}


def read_idx_folder(folder):
    """IDX files paired by name as Layerlab pairs them: images/idx3 with labels/idx1, t10k/test marks the test pair."""
    names = sorted(n for n in os.listdir(folder) if re.search(r'ubyte|\\.idx', n, re.I))

    def pair(test):
        def pick(kind):
            return [n for n in names if bool(re.search(r't10k|test', n, re.I)) == test and re.search(kind, n, re.I)]
        images, labels = pick(r'images|idx3'), pick(r'labels|idx1')
        if not images and not labels:
            return None
        if len(images) != 1 or len(labels) != 1:
            raise SystemExit(f'{folder}: expected one {"test" if test else "training"} images file and one labels file, '
                             f'found images: {", ".join(images) or "none"}; labels: {", ".join(labels) or "none"}')
        return read_idx(os.path.join(folder, images[0])), read_idx(os.path.join(folder, labels[0]))
    train = pair(False)
    if train is None:
        raise SystemExit(f'{folder}: no training IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz])')
    arrays = {'x_train': train[0], 'y_train': train[1]}
    test = pair(True)
    if test is not None:
        arrays.update(x_test=test[0], y_test=test[1])
    return arrays


def read_own_split_arrays(path, kind):
    return read_idx_folder(path) if kind == 'idx' else read_npy_arrays(path)


def load_own_data(path, test_path=None):
    """(x_train, y_train), the test split or None, and the stored table standardisation (None: fit as Layerlab
    does) of the user's own data at path, read with the run's record."""
    record = own_record()
    if record is None:
        raise SystemExit(f'--data {path}: this program was exported from a run on the catalog dataset '
                         f"{CONFIG['dataset']['name']!r}, which stored no record of how to read your own data; "
                         f'train a run on your data in Layerlab (layerlab train P.layerlab --dataset PATH) and export that')
    if not os.path.exists(path):
        raise SystemExit(f'--data {path}: no such file or folder (the data this run trained on). '
                         f'Pass --data PATH with the same data, in the same format ({record["kind"]})')
    if test_path and not os.path.exists(test_path):
        raise SystemExit(f'--test {test_path}: no such file or folder')
    kind = record['kind']
    if kind == 'text':
        train, test = load_own_text(path, test_path, record)
        width = train[0].shape[-1]
        return train, test, (np.zeros(width), np.ones(width))  # ids and multi-hot words are fed as they are
    if kind == 'csv':
        train = encode_table(path, record)
        test = encode_table(test_path, record) if test_path else None
        return train, test, table_normaliser(record)
    if kind == 'image-folder':
        splits = not test_path and all(os.path.isdir(os.path.join(path, s)) for s in ('train', 'test'))
        train = read_image_split(os.path.join(path, 'train') if splits else path, record)
        test_folder = test_path or (os.path.join(path, 'test') if splits else None)
        return train, read_image_split(test_folder, record) if test_folder else None, None
    arrays = read_own_split_arrays(path, kind)
    if test_path:
        extra = read_own_split_arrays(test_path, kind)
        arrays['x_test'], arrays['y_test'] = extra.get('x_test', extra['x_train']), extra.get('y_test', extra['y_train'])
    if 'x_train' not in arrays or 'y_train' not in arrays:
        raise SystemExit(f'{path} holds {", ".join(arrays) or "no arrays"} but no x_train/y_train')
    train = own_samples(arrays['x_train']), own_labels(arrays['y_train'], record, f'{path} y_train')
    test = ((own_samples(arrays['x_test']), own_labels(arrays['y_test'], record, f'{path} y_test'))
            if 'x_test' in arrays else None)
    return train, test, None


def num_classes(name, y):
    """The model's class count: the run's classes for own data, the catalog's, else the largest label + 1."""
    record = own_record()
    if record is not None and record.get('class_names'):
        return len(record['class_names'])
    return DATASETS[name]['classes'] if name in DATASETS else int(y.max()) + 1
${PYTHON_OWN_TEXT_CODE}`;

/**
 * DATA_PATH / TEST_PATH: the data the run trained on (None for a catalog dataset), the defaults of --data / --test.
 * The exporter resolves them to absolute paths first (see resolveOwnDataForExport).
 */
export function ownDataPathsLiteral(t: ExportTrainingConfig): string {
  const own = ownDatasetOf(t.dataset);
  return [
    `DATA_PATH = ${pyLiteral(own?.source.path)}  # the data the run trained on (--data); None: the catalog dataset`,
    `TEST_PATH = ${pyLiteral(own?.source.test_path)}  # its separate test data (--test), if it had one`,
    ownTextLiteral(t),
  ].join('\n');
}

/** What the user should know about train.py's data: own data by path, or a dataset neither program can read. */
export function dataNote(t: ExportTrainingConfig): string | undefined {
  const own = ownDatasetOf(t.dataset);
  if (own) return `train.py reads your data from ${own.source.path} as the run did (its stored preprocessing); pass --data PATH for another copy of it.`;
  if (!findCatalogEntry(t.dataset.name)) {
    return `dataset '${t.dataset.name}' is not in Layerlab's catalog: train.py reads catalog datasets (${catalog.map((e) => e.name).join(', ')}) with --dataset, or data a run trained on with --data.`;
  }
  return undefined;
}

/** README lines on the user's own data (empty for a catalog dataset). */
export function ownDataReadme(t: ExportTrainingConfig): string {
  const own = ownDatasetOf(t.dataset);
  if (!own) return '';
  const p = own.preprocessing;
  const what = [
    `a ${p.kind} ${p.task}`,
    p.validation.kind === 'test-split' ? 'validated on its test split' : `validated on its last ${p.validation.fraction} (file order, as Keras' validation_split)`,
    ...(p.features ? [`${p.features.length} feature columns (standardised with the stored mean/std, one-hot columns as stored)`] : []),
    ...(p.image ? [`images decoded to ${p.image.height}x${p.image.width} ${p.image.color}`] : []),
    ...(p.text ? [textReadme(p.text)] : []),
  ].join(', ');
  return `
## Your data
The run trained on \`${own.source.path}\`${own.source.test_path ? ` (test: \`${own.source.test_path}\`)` : ''}: ${what}.
\`python train.py --data PATH [--test PATH]\` reads the same kind of data and prepares it with the run's stored record
(CONFIG['dataset']['preprocessing']), so a copy of the same data gives the same experiment. Image data needs Pillow.
`;
}
