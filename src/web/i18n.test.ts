import { describe, expect, it } from 'vitest';
import { loadLang, MESSAGES, type MessageKey, setLang, translate } from './i18n.ts';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('messages', () => {
  const keys = Object.keys(MESSAGES.fr) as MessageKey[];

  it.each(keys)('%s exists in both languages with the same placeholders', (key) => {
    expect(MESSAGES.fr[key].trim()).not.toBe('');
    expect(MESSAGES.en[key].trim()).not.toBe('');
    expect(placeholders(MESSAGES.en[key])).toEqual(placeholders(MESSAGES.fr[key]));
  });

  it('has no English key that French lacks', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual([...keys].sort());
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'numbers.count', { n: 3, total: 10 })).toBe('3 numéros sur 10');
    expect(translate('en', 'numbers.count', { n: 3 })).toBe('3 numbers of {total}');
  });

  it('remembers the choice, French by default', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    expect(loadLang(storage)).toBe('fr');
    setLang('en', storage);
    expect(loadLang(storage)).toBe('en');
    store.set('vigie.lang', 'de');
    expect(loadLang(storage)).toBe('fr');
  });
});
