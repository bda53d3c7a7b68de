/**
 * The dashboard: a shell (header, navigation, language switch) and one page per URL, routed with the
 * History API so that every page and its filters (in the query string) can be bookmarked.
 */
import './styles.css';
import { ApiError, get, request, type Session, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { destroyCharts } from './charts.ts';
import { errorBox } from './components.ts';
import { h, replace } from './dom.ts';
import { lang, loadLang, type MessageKey, setLang, t } from './i18n.ts';
import type { Page, PageContext } from './page.ts';
import { alertsPage } from './pages/alerts.ts';
import { compliancePage } from './pages/compliance.ts';
import { importsPage } from './pages/imports.ts';
import { numberPage } from './pages/number.ts';
import { numbersPage } from './pages/numbers.ts';
import { overviewPage } from './pages/overview.ts';
import { signInPage } from './pages/signin.ts';

interface Route {
  readonly pattern: RegExp;
  readonly page: Page;
  readonly title: MessageKey;
  readonly nav?: string;
  readonly public?: boolean;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/$/, page: overviewPage, title: 'nav.overview', nav: '/' },
  { pattern: /^\/numeros\/?$/, page: numbersPage, title: 'nav.numbers', nav: '/numeros' },
  { pattern: /^\/numeros\/([^/]+)$/, page: numberPage, title: 'nav.numbers', nav: '/numeros' },
  { pattern: /^\/alertes\/?$/, page: alertsPage, title: 'nav.alerts', nav: '/alertes' },
  { pattern: /^\/conformite\/?$/, page: compliancePage, title: 'nav.compliance', nav: '/conformite' },
  { pattern: /^\/imports\/?$/, page: importsPage, title: 'nav.imports', nav: '/imports' },
  { pattern: /^\/connexion\/?$/, page: signInPage, title: 'signin.title', public: true },
];

const NAV: readonly [string, MessageKey][] = [
  ['/', 'nav.overview'],
  ['/numeros', 'nav.numbers'],
  ['/alertes', 'nav.alerts'],
  ['/conformite', 'nav.compliance'],
  ['/imports', 'nav.imports'],
];

const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();

let session: Session | null = null;
let renderToken = 0;
let firstRender = true;
const root = document.getElementById('app') ?? document.body;

function storeSession(next: Session | null): void {
  session = next;
  setCsrfToken(next?.csrfToken ?? null);
}

function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render();
}

function signInUrl(): string {
  const here = location.pathname + location.search;
  return here === '/' || here.startsWith('/connexion')
    ? '/connexion'
    : `/connexion?next=${encodeURIComponent(here)}`;
}

setUnauthenticatedHandler(() => {
  storeSession(null);
  if (!location.pathname.startsWith('/connexion')) navigate(signInUrl(), { replace: true });
});

function header(active: string | undefined): HTMLElement {
  const switchLang = h(
    'button',
    {
      type: 'button',
      class: 'lang-switch',
      lang: lang() === 'fr' ? 'en' : 'fr',
      'aria-label': t('app.switchLangLabel'),
      onclick: () => {
        setLang(lang() === 'fr' ? 'en' : 'fr', storage);
        void render();
      },
    },
    t('app.switchLang'),
  );
  const user = session?.user;
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'skip', href: '#main' }, t('app.skip')),
    h('a', { class: 'brand', href: '/' }, t('app.name')),
    user
      ? h(
          'nav',
          { 'aria-label': t('app.menu') },
          h(
            'ul',
            null,
            NAV.map(([path, key]) =>
              h('li', null, h('a', { href: path, 'aria-current': path === active ? 'page' : null }, t(key))),
            ),
          ),
        )
      : null,
    h(
      'div',
      { class: 'session' },
      user
        ? h(
            'span',
            { class: 'who' },
            t('app.signedInAs', {
              email: user.email ?? '—',
              role: `${t(`role.${user.role}` as MessageKey)}${user.provider ? ` · ${user.provider}` : ''}${user.client ? ` · ${user.client}` : ''}`,
            }),
          )
        : null,
      switchLang,
      user
        ? h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                try {
                  await request('DELETE', '/session');
                } catch {
                  // Signed out on our side whatever the server says.
                }
                storeSession(null);
                navigate('/connexion');
              },
            },
            t('app.signOut'),
          )
        : null,
    ),
  );
}

async function render(): Promise<void> {
  const token = ++renderToken;
  document.documentElement.lang = lang();
  const path = location.pathname;
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (route && !route.public && session === null) {
    navigate(signInUrl(), { replace: true });
    return;
  }
  if (route?.public && session !== null) {
    navigate(new URLSearchParams(location.search).get('next') ?? '/', { replace: true });
    return;
  }
  destroyCharts();
  const main = h(
    'main',
    { id: 'main', tabindex: -1 },
    h('p', { class: 'loading', role: 'status' }, t('app.loading')),
  );
  replace(root, header(route?.nav), main);
  if (route === undefined) {
    replace(
      main,
      h('h1', { tabindex: -1 }, t('app.notFound')),
      h('p', null, h('a', { href: '/' }, t('nav.overview'))),
    );
    document.title = `${t('app.notFound')} — Vigie`;
    return;
  }
  const match = route.pattern.exec(path);
  const context: PageContext = {
    session: session as Session,
    params: (match?.slice(1) ?? []).map((p) => decodeURIComponent(p)),
    query: new URLSearchParams(location.search),
    navigate,
    setQuery: (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
      const search = params.toString();
      history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
    },
    signedIn: (next) => {
      storeSession(next);
    },
  };
  let content: Node;
  try {
    content = await route.page(context);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return;
    content = h('div', null, h('h1', { tabindex: -1 }, t(route.title)), errorBox(error));
  }
  if (token !== renderToken) return;
  replace(main, content);
  const title = main.querySelector('h1')?.textContent ?? t(route.title);
  document.title = `${title} — Vigie`;
  if (firstRender) {
    firstRender = false;
    requestAnimationFrame(() => {
      performance.mark('vigie:first-render');
      document.documentElement.dataset.firstRender = String(Math.round(performance.now()));
    });
  } else {
    main.querySelector<HTMLElement>('h1')?.focus();
  }
  document.documentElement.dataset.page = path;
}

document.addEventListener('click', (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, location.href);
  if (
    url.origin !== location.origin ||
    url.pathname.startsWith('/api/') ||
    (url.hash && url.pathname === location.pathname)
  ) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => void render());

async function boot(): Promise<void> {
  loadLang(storage);
  document.documentElement.lang = lang();
  try {
    storeSession(await get<Session>('/session'));
  } catch {
    // 401 (not signed in) or no server: the sign-in page says what is wrong when it is used.
    storeSession(null);
  }
  await render();
}

void boot();
