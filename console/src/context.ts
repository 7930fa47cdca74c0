import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** Who is signed in: a control key sees the whole tenant, a data key its app's messages and schedules only. */
export interface Session {
  scope: 'control' | 'data';
  signOut: () => void;
}

export const SessionContext = createContext<Session>({ scope: 'data', signOut: () => undefined });
export const useSession = (): Session => useContext(SessionContext);
