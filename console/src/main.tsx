import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api';
import { SuspendedBanner } from './components';
import { SessionContext } from './context';
import { live, type LiveMode } from './live';
import { AppsPage } from './pages/apps';
import { KeysPage } from './pages/keys';
import { MessagesPage } from './pages/messages';
import { OverviewPage } from './pages/overview';
import { SchedulesPage } from './pages/schedules';
import { UsagePage } from './pages/usage';
import { href, type PageName, useRoute } from './router';
import { type Scope, SignIn } from './signin';

const scopeKey = 'punctual.console.scope';

/** The pages and who may open them. */
const nav: { page: PageName; label: string; control?: true }[] = [
  { page: 'overview', label: 'Overview' },
  { page: 'apps', label: 'Apps', control: true },
  { page: 'messages', label: 'Messages' },
  { page: 'schedules', label: 'Schedules' },
  { page: 'keys', label: 'Keys', control: true },
  { page: 'usage', label: 'Usage', control: true },
];

const modeLabel: Record<LiveMode, string> = {
  connecting: 'connecting…',
  live: 'live',
  polling: 'refreshing every 5 s',
};

const Console = ({ scope, signOut }: { scope: Scope; signOut: () => void }) => {
  const route = useRoute();
  const [mode, setMode] = useState<LiveMode>(live.mode);
  useEffect(() => {
    const off = live.onMode(setMode);
    live.start();
    return () => {
      off();
      live.stop();
    };
  }, []);
  const allowed = nav.filter((n) => scope === 'control' || !n.control);
  const page = allowed.some((n) => n.page === route.page) ? route.page : 'overview';
  return (
    <SessionContext.Provider value={{ scope, signOut }}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">punctual</span>
        <nav aria-label="Pages">
          <ul>
            {allowed.map((n) => (
              <li key={n.page}>
                <a href={href(n.page)} aria-current={n.page === page ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live live-${mode}`} role="status" title="How this page stays current">
          {modeLabel[mode]}
        </span>
        <span class="who">{scope === 'control' ? 'control key' : 'data key'}</span>
        <button type="button" class="btn plain" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <SuspendedBanner />
        {page === 'overview' && <OverviewPage />}
        {page === 'apps' && <AppsPage params={route.params} />}
        {page === 'messages' && <MessagesPage params={route.params} />}
        {page === 'schedules' && <SchedulesPage params={route.params} />}
        {page === 'keys' && <KeysPage />}
        {page === 'usage' && <UsagePage />}
      </main>
    </SessionContext.Provider>
  );
};

const Root = () => {
  const [scope, setScope] = useState<Scope | undefined>(() =>
    session.key() ? ((sessionStorage.getItem(scopeKey) as Scope | null) ?? 'data') : undefined,
  );
  const signOut = () => {
    session.signOut();
    sessionStorage.removeItem(scopeKey);
    window.location.hash = '';
    setScope(undefined);
  };
  if (!scope) {
    return (
      <SignIn
        onSignedIn={(key, s) => {
          session.signIn(key);
          sessionStorage.setItem(scopeKey, s);
          setScope(s);
        }}
      />
    );
  }
  return <Console scope={scope} signOut={signOut} />;
};

render(<Root />, document.getElementById('app')!);
