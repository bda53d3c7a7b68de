import type { Session } from './api.ts';

export interface PageContext {
  /** The signed-in user (the sign-in page alone is rendered without one). */
  readonly session: Session;
  /** The URL's captured parts (decoded): `/numeros/<number>` gives the number. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  navigate(url: string, options?: { replace?: boolean }): void;
  /** Writes the page's filters into the URL (replaceState: no new history entry, no re-render). */
  setQuery(query: Record<string, string | undefined>): void;
  /** After a sign-in. */
  signedIn(session: Session): void;
}

export type Page = (context: PageContext) => Promise<Node>;

export function canAct(session: Session): boolean {
  return session.user.role === 'admin' || session.user.role === 'analyst';
}
