import { useState } from 'preact/hooks';
import { ApiError, call } from './api';
import { ActionButton, ErrorNote, Field } from './components';

/** What a key turned out to be. */
export type Scope = 'control' | 'data';

/**
 * Finds out what `key` may do: a control key may list apps; a data key is refused that (403) but may list its app's
 * messages. A wrong key gets the API's own 401, which the form shows as it is.
 */
export const probeKey = async (key: string): Promise<Scope> => {
  try {
    await call('GET', '/v1/apps?limit=1', undefined, key);
    return 'control';
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 403) throw err;
  }
  await call('GET', '/v1/messages?limit=1', undefined, key);
  return 'data';
};

/** The sign-in form: paste a key. */
export const SignIn = ({ onSignedIn }: { onSignedIn: (key: string, scope: Scope) => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async () => {
    setError(undefined);
    const value = key.trim();
    if (!value) return setError(new Error('paste an API key first'));
    onSignedIn(value, await probeKey(value));
  };
  return (
    <main class="signin" id="main">
      <h1>punctual console</h1>
      <p>Paste an API key. A control key opens everything of its tenant; a data key opens its app's messages and schedules.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit().catch(setError);
        }}
      >
        <Field id="api-key" label="API key" hint="Kept in this tab only (sessionStorage) and sent as x-api-key.">
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            aria-describedby="api-key-hint"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote error={error} explainSuspension />
        <ActionButton kind="primary" type="submit" onAction={submit} onError={setError} busyLabel="Signing in…">
          Sign in
        </ActionButton>
      </form>
    </main>
  );
};
