/**
 * What `q` means, for every images adapter: the words of the text (runs of letters and digits
 * after NFKC, so full-width and compatibility forms count as their plain letters), at most
 * `MAX_SEARCH_WORDS`, all required, the last one also as a prefix ("ligh" finds "lighthouse").
 *
 * Words are folded (lower case, diacritics removed) as SQLite's FTS5 tokenizer
 * (`unicode61 remove_diacritics 2`) folds Latin text. The document stores (MongoDB, Cosmos DB)
 * keep each image's folded words (`searchTokens`); SQLite keeps none and hands the words as
 * written to its FTS5 index, which folds both sides itself (and, unlike the folding here, leaves
 * Cyrillic and Greek accents alone).
 */

export const MAX_SEARCH_WORDS = 16;

/** A parsed `q`: 1..`MAX_SEARCH_WORDS` words, all required, the last one also as a prefix. */
export interface ImageSearch {
  /** The words as written (NFKC): for an index that folds words itself (FTS5). */
  readonly words: readonly string[];
  /** The same words folded, in the same order: compared with `searchTokens`. */
  readonly tokens: readonly string[];
}

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

/** The runs of letters and digits of `text`, after NFKC. */
function wordsOf(text: string): string[] {
  return text.normalize('NFKC').match(WORD) ?? [];
}

/** A word folded: lower case, then diacritics removed (NFD, marks dropped, NFC again). */
function fold(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** The folded words of `text`. */
export function searchWords(text: string): string[] {
  return wordsOf(text).map(fold);
}

/** What `q` can find an image by: the distinct folded words of its prompt and of its tags. */
export function searchTokens(prompt: string, tags: readonly string[]): string[] {
  return [...new Set([prompt, ...tags].flatMap(searchWords))];
}

/** `q` parsed; `null` when it has no word, so that nothing can match. */
export function parseImageSearch(q: string): ImageSearch | null {
  const words = wordsOf(q).slice(0, MAX_SEARCH_WORDS);
  return words.length === 0 ? null : { words, tokens: words.map(fold) };
}
