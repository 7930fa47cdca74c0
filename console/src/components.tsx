import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf, suspension } from './api';

/**
 * What a suspended tenant's 403 means for the person reading it: the API's message says that the tenant is suspended,
 * not what becomes of its work meanwhile (README, *Suspension*).
 */
export const suspendedExplanation =
  "The operator has suspended this tenant: every key of it is refused until the operator resumes it. Nothing is lost meanwhile: messages that come due wait, unattempted, and are delivered as soon as the tenant is active again; schedules skip their runs (each schedule's skipped runs say so). Ask your operator why, or to resume it.";

/** The banner of a suspended tenant's console, above every page while the API refuses its keys. */
export const SuspendedBanner = () => {
  const [suspended, setSuspended] = useState(suspension.suspended);
  useEffect(() => suspension.on(setSuspended), []);
  return suspended ? (
    <div class="error banner" role="alert" data-testid="suspended">
      <strong>This tenant is suspended.</strong> {suspendedExplanation}
    </div>
  ) : null;
};

/** The field issues of an error the API answered (`details`), for the fields they name. */
export const issuesOf = (error: unknown): { path: string; issue: string }[] | undefined =>
  error instanceof ApiError ? error.details : undefined;

/**
 * An error as the API worded it, announced to screen readers; a suspended tenant's 403 explained when
 * `explainSuspension` (the sign-in form: the console's pages have a banner for it).
 */
export const ErrorNote = ({ error, explainSuspension = false }: { error: unknown; explainSuspension?: boolean }) =>
  error ? (
    <p class="error" role="alert">
      {error instanceof ApiError && error.code !== 'network' ? <code>{error.code}</code> : null} {messageOf(error)}
      {explainSuspension && error instanceof ApiError && error.code === 'tenant_suspended' ? (
        <span class="explain" data-testid="suspended">
          {suspendedExplanation}
        </span>
      ) : null}
      {error instanceof ApiError && error.details?.length ? (
        <ul>
          {error.details.map((d) => (
            <li key={d.path}>
              <code>{d.path}</code>: {d.issue}
            </li>
          ))}
        </ul>
      ) : null}
    </p>
  ) : null;

/** "Loading…" while a load runs, announced politely. */
export const Busy = ({ loading, label = 'Loading…' }: { loading: boolean; label?: string }) =>
  loading ? (
    <p class="busy" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {label}
    </p>
  ) : null;

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick'> & {
  /** The action; the button shows progress and stays disabled while it runs. */
  onAction: () => Promise<unknown> | unknown;
  /** What the button says while the action runs. */
  busyLabel?: string;
  onError?: (err: unknown) => void;
  kind?: 'primary' | 'danger' | 'plain';
  children: ComponentChildren;
};

/** A button running an async action: disabled with a progress label meanwhile, its failure handed to `onError`. */
export const ActionButton = ({ onAction, busyLabel, onError, kind = 'plain', children, ...rest }: ButtonProps) => {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await onAction();
    } catch (err) {
      if (onError) onError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class={`btn ${kind}`} {...rest} disabled={busy || Boolean(rest.disabled)} aria-busy={busy} onClick={run}>
      {busy ? (busyLabel ?? 'Working…') : children}
    </button>
  );
};

/** Copies `text` to the clipboard, saying so. */
export const CopyButton = ({ text, label = 'Copy' }: { text: string; label?: string }) => {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard API (an insecure origin): the old way, through a hidden field.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    window.setTimeout(() => setDone(false), 2_000);
  };
  return (
    <button type="button" class="btn plain" onClick={copy} aria-live="polite">
      {done ? 'Copied' : label}
    </button>
  );
};

/** A secret shown once: the value, a copy button, and the warning that it will not be shown again. */
export const ShownOnce = ({ label, value, onDone }: { label: string; value: string; onDone: () => void }) => (
  <div class="secret" role="status">
    <p>
      <strong>{label}</strong> — copy it now: it is not shown again.
    </p>
    <div class="secret-value">
      <code data-testid="secret">{value}</code>
      <CopyButton text={value} />
    </div>
    <button type="button" class="btn plain" onClick={onDone}>
      Done
    </button>
  </div>
);

/** A message or attempt status as a coloured label (the word itself carries the meaning, not the colour). */
export const Status = ({ value }: { value: string }) => <span class={`status status-${value}`}>{value}</span>;

/** A modal dialog (the native one: it traps focus and closes on Escape). */
export const Dialog = ({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {open ? children : null}
    </dialog>
  );
};

/** Asks before a destructive action; the action's error is shown in the dialog. */
export const Confirm = ({
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  body: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) => {
  const [error, setError] = useState<unknown>();
  return (
    <Dialog title={title} open onClose={onClose}>
      <div>{body}</div>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" class="btn plain" onClick={onClose}>
          Cancel
        </button>
        <ActionButton
          kind="danger"
          onAction={async () => {
            await onConfirm();
            onClose();
          }}
          onError={setError}
        >
          {confirmLabel}
        </ActionButton>
      </div>
    </Dialog>
  );
};

/**
 * A labelled form field: the label names the control, the hint describes it, and the API's issues with it (or the
 * form's own) are shown under it (the control names `${id}-error` in its aria-describedby to have them read out).
 */
export const Field = ({
  label,
  hint,
  children,
  id,
  issues,
}: {
  label: string;
  hint?: string;
  children: ComponentChildren;
  id: string;
  issues?: { path: string; issue: string }[];
}) => (
  <div class={issues?.length ? 'field invalid' : 'field'}>
    <label for={id}>{label}</label>
    {children}
    {hint ? (
      <small id={`${id}-hint`} class="hint">
        {hint}
      </small>
    ) : null}
    {issues?.length ? (
      <small id={`${id}-error`} class="field-error" data-testid="field-error">
        {issues.map((i) => i.issue).join('; ')}
      </small>
    ) : null}
  </div>
);

/** "Next page" for cursor paging, and "First page" to start over. */
export const Pager = ({
  next,
  onNext,
  onFirst,
  atFirst,
}: {
  next?: string;
  onNext: (c: string) => void;
  onFirst: () => void;
  atFirst: boolean;
}) =>
  next || !atFirst ? (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn plain" disabled={atFirst} onClick={onFirst}>
        First page
      </button>
      <button type="button" class="btn plain" disabled={!next} onClick={() => next && onNext(next)}>
        Next page
      </button>
    </nav>
  ) : null;

/** Pretty-printed JSON as text (never as markup). */
export const Json = ({ value }: { value: unknown }) => <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
