import { ApiError, request, type Session } from '../api.ts';
import { errorMessage } from '../components.ts';
import { h, replace, uid } from '../dom.ts';
import { t } from '../i18n.ts';
import type { Page } from '../page.ts';

export const signInPage: Page = async (context) => {
  const emailId = uid('f');
  const passwordId = uid('f');
  const message = h('div', { 'aria-live': 'assertive' });
  const email = h('input', {
    id: emailId,
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    id: passwordId,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replace(message);
        submit.disabled = true;
        submit.textContent = t('signin.busy');
        try {
          const session = await request<Session>('POST', '/session', {
            body: { email: email.value.trim(), password: password.value },
          });
          context.signedIn(session);
          const next = context.query.get('next');
          context.navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
        } catch (error) {
          const text =
            error instanceof ApiError && error.code === 'VALIDATION'
              ? t('error.BAD_CREDENTIALS')
              : errorMessage(error);
          replace(message, h('p', { class: 'notice error', role: 'alert' }, text));
          submit.disabled = false;
          submit.textContent = t('signin.submit');
          password.focus();
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: emailId }, t('signin.email')), email),
    h('div', { class: 'field' }, h('label', { for: passwordId }, t('signin.password')), password),
    message,
    submit,
  );
  return h(
    'div',
    { class: 'signin-page card' },
    h('h1', { tabindex: -1 }, t('signin.title')),
    h('p', null, t('signin.intro')),
    form,
  );
};
