/**
 * Text as the user's own data in both exported train.py scripts (a run on a CSV with a text column, or on class
 * folders of .txt files): read as main/datasets/text-source.ts reads it and vectorised with the run's stored
 * tokenizer (shared/text/vectorization.ts), never adapted again:
 * - standardize: JavaScript's toLowerCase, then ASCII punctuation removed (Keras' DEFAULT_STRIP_REGEX);
 * - split on JavaScript's /\s+/, empty tokens dropped;
 * - ids from the stored vocabulary (0 padding, 1 out of vocabulary), truncated at the end and padded with 0 after
 *   the words (TextVectorization's output_sequence_length), or multi-hot over the vocabulary;
 * - labels through the stored class names.
 * Two things differ between JavaScript and Python and are pinned by tables computed here, by the JavaScript engine
 * that runs Layerlab: /\s/ is not Python's \s (JS has U+FEFF, Python has U+001C-U+001F and U+0085), and Python's
 * Unicode database may be older than the engine's, so letters added since lower-case in one and not the other.
 */
import { ownDatasetOf } from '../../shared/data-preprocessing';
import type { TextVectorization } from '../../shared/text/vectorization';
import { pyString } from './python-names';
import type { ExportTrainingConfig } from './types';

const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

/** Every character JavaScript's /\s/ matches (all are in the BMP), as escapes for a Python regex class. */
function jsWhitespaceClass(): string {
  let out = '';
  for (let c = 0; c < 0x10000; c++) if (/\s/.test(String.fromCharCode(c))) out += hex(c);
  return out;
}

const CAPITAL_SIGMA = 0x3a3;

/**
 * JavaScript's lower case of each character whose lower case is spelled with characters of the vocabulary: only
 * those can turn an out-of-vocabulary token into a known one, so only those must agree with Layerlab. Capital sigma
 * stays with Python's str.lower(), which applies the same final-sigma rule as JavaScript.
 */
function jsLowercaseTable(vocabulary: readonly string[]): string {
  const used = new Set<string>();
  for (const word of vocabulary) for (const ch of word) used.add(ch);
  if (used.size === 0) return '{}';
  const entries: string[] = [];
  for (let c = 0; c < 0x110000; c++) {
    if ((c >= 0xd800 && c < 0xe000) || c === CAPITAL_SIGMA) continue;
    const s = String.fromCodePoint(c);
    const lower = s.toLowerCase();
    if (lower !== s && [...lower].every((ch) => used.has(ch))) entries.push(`0x${c.toString(16)}: ${pyString(lower)}`);
  }
  return `{${entries.join(', ')}}`;
}

/** JS_WHITESPACE and JS_LOWERCASE for the program's tokenizer (an empty table for runs on other data). */
export function ownTextLiteral(t: ExportTrainingConfig): string {
  const text = ownDatasetOf(t.dataset)?.preprocessing.text;
  return [
    `JS_WHITESPACE_CHARS = '${jsWhitespaceClass()}'  # what JavaScript's /\\s/ matches (Layerlab's tokenizer splits there)`,
    `JS_WHITESPACE = re.compile(f'[{JS_WHITESPACE_CHARS}]+')`,
    `JS_LOWERCASE = ${jsLowercaseTable(text?.vocabulary ?? [])}  # JavaScript's lower case of the letters the vocabulary uses`,
  ].join('\n');
}

/** The README's words on the run's tokenizer. */
export function textReadme(text: TextVectorization): string {
  const shape = text.outputMode === 'multi_hot' ? `multi-hot over ${text.vocabulary.length} words` : `${text.sequenceLength} word ids per text (0 padding after the words, 1 unknown)`;
  return `text tokenized as Layerlab does (lower case, punctuation stripped, split on whitespace) with the run's vocabulary of ${text.vocabulary.length} entries, ${shape}`;
}

export const PYTHON_OWN_TEXT_CODE = `

STRIP_PUNCTUATION = re.compile(r'[!"#$%&()*+,\\-./:;<=>?@\\[\\\\\\]^_\`{|}~\\']')  # Keras' DEFAULT_STRIP_REGEX


def tokenize(text):
    """Layerlab's (Keras TextVectorization's) tokens: lower case, ASCII punctuation removed, split on whitespace."""
    lowered = text.translate(JS_LOWERCASE).lower()
    return [t for t in JS_WHITESPACE.split(STRIP_PUNCTUATION.sub('', lowered)) if t]


def vectorize_texts(texts, tokenizer):
    """Texts as the run's stored tokenizer maps them: ids (0 padding after the words, 1 unknown), or multi-hot."""
    vocabulary = tokenizer['vocabulary']
    index = {word: i for i, word in enumerate(vocabulary)}
    multi_hot = tokenizer['outputMode'] == 'multi_hot'
    width = len(vocabulary) if multi_hot else tokenizer['sequenceLength']
    x = np.zeros((len(texts), width), dtype=np.float32)
    for row, text in enumerate(texts):
        ids = [index.get(t, 1) for t in tokenize(text)]
        if multi_hot:
            x[row, ids] = 1
        else:
            ids = ids[:width]
            x[row, :len(ids)] = ids
    return x


def utf16_order(name):
    """JavaScript's default sort order (UTF-16 code units), which Layerlab sorts file and folder names by."""
    return name.encode('utf-16-be', 'surrogatepass')


def js_is_finite_number(cell):
    """Number.isFinite(Number(cell)) for a non-empty cell: decimal, 0x/0o/0b integers, surrounding whitespace."""
    s = cell.strip(JS_WHITESPACE_CHARS)
    return s == '' or bool(re.fullmatch(r'[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+', s))


def read_text_csv(path, text_column=None, label_column=None):
    """(texts, labels) of a CSV; default columns as Layerlab picks them: the label is 'label' or the last column, the
    text the non-numeric column with the longest values on average."""
    names, rows = read_table(path)
    label = label_column.strip() if label_column else ('label' if 'label' in names else names[-1])
    if label not in names:
        raise SystemExit(f'{path} has no column {label!r} for the labels; its columns are {", ".join(names)}')
    if text_column:
        text = text_column.strip()
    else:
        def mean_length(c):
            return sum(len(r[names.index(c)].encode('utf-16-le')) // 2 for r in rows) / len(rows)
        textual = [c for c in names if c != label and any(r[names.index(c)] != '' and not js_is_finite_number(r[names.index(c)]) for r in rows)]
        text = sorted(textual, key=mean_length, reverse=True)[0] if textual else None
    if text not in names:
        raise SystemExit(f'{path} has no text column {text or ""!r}; its columns are {", ".join(names)}. '
                         f'Pass --data with a CSV of the same columns as the training data')
    return [r[names.index(text)] for r in rows], [r[names.index(label)].strip() for r in rows]


def read_text_class_folders(root):
    """(texts, labels) of root/<class>/*.txt (aclImdb's unsup/ is no class), classes and files in JavaScript's order."""
    classes = sorted((e.name for e in os.scandir(root) if e.is_dir(follow_symlinks=False) and e.name != 'unsup'),
                     key=utf16_order)
    texts, labels = [], []
    for name in classes:
        for file in sorted((f for f in os.listdir(os.path.join(root, name)) if f.endswith('.txt')), key=utf16_order):
            with open(os.path.join(root, name, file), 'rb') as f:
                texts.append(f.read().decode('utf-8', 'replace'))
            labels.append(name)
    if not texts:
        raise SystemExit(f'{root} holds no .txt files in class folders (expected {root}/<class>/*.txt)')
    return texts, labels


def text_split(texts, labels, record, where):
    classes = {name: i for i, name in enumerate(record['class_names'])}
    unknown = sorted(set(labels) - set(classes))
    if unknown:
        raise SystemExit(f"{where} has the label {unknown[0]!r}, which the run did not train on (its classes: "
                         f"{', '.join(record['class_names'][:20])})")
    return vectorize_texts(texts, record['text']), np.array([classes[label] for label in labels], dtype=np.int64)


def load_own_text(path, test_path, record):
    """Training and test split (None without one) of a text CSV or text folder, as Layerlab reads them."""
    if os.path.isfile(path):
        columns = record.get('text_column'), record.get('label_column')
        train = read_text_csv(path, *columns)
        test = read_text_csv(test_path, *columns) if test_path else None
    else:
        splits = all(os.path.isdir(os.path.join(path, s)) for s in ('train', 'test'))
        train = read_text_class_folders(os.path.join(path, 'train') if splits else path)
        if test_path:
            test = read_text_csv(test_path) if os.path.isfile(test_path) else read_text_class_folders(test_path)
        else:
            test = read_text_class_folders(os.path.join(path, 'test')) if splits else None
    return (text_split(*train, record, path),
            text_split(*test, record, test_path or os.path.join(path, 'test')) if test is not None else None)
`;
