const WORDS = [
  'the',
  'answer',
  'streams',
  'into',
  'the',
  'thread',
  'while',
  'the',
  'model',
  'writes',
  'it',
  'and',
  'every',
  'platform',
  'keeps',
  'its',
  'own',
  'limits',
  'so',
  'edits',
  'come',
  'in',
  'turn',
  'with',
  'all',
  'other',
  'answers',
  'being',
  'written',
  'at',
  'once',
  'quarterly',
  'figures',
  'show',
  'growth',
];

/** `words` words of prose in paragraphs of 50 (so that long answers split at paragraphs), the same every run. */
export function longAnswer(words: number): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < words; i++) {
    current.push(WORDS[(i * 7 + Math.floor(i / 13)) % WORDS.length] ?? 'word');
    if (current.length === 50) {
      paragraphs.push(`${current.join(' ')}.`);
      current = [];
    }
  }
  if (current.length > 0) paragraphs.push(`${current.join(' ')}.`);
  return paragraphs.join('\n\n');
}

/** Text compared without regard to how it was cut into messages. */
export const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
