import { LRUCache } from 'lru-cache';
import Mustache from 'mustache';
import { subjectPlaceholders } from './model';

/** What an email subject's placeholders stand for in one delivery. */
export interface SubjectView {
  schedule: { name: string };
  message: { id: string; sendAt: string };
}

/** @default subjects kept parsed; the least recently used go first */
const parsedSubjects = 1_000;

/**
 * A writer of its own: the module-level one caches every template it ever parsed, without bound, and
 * subjects are tenant input. Parsed tokens are kept in a bounded LRU instead.
 */
const writer = new Mustache.Writer();
// The cache holds token arrays, whatever @types/mustache says (it types them as strings).
const cache = new LRUCache<string, string>({ max: parsedSubjects });
const templateCache: Mustache.TemplateCache = { get: (k) => cache.get(k), set: (k, v) => void cache.set(k, v), clear: () => cache.clear() };
Object.assign(writer, { templateCache });

const allowed: ReadonlySet<string> = new Set(subjectPlaceholders);
/** Mustache token types of plain text and of variables; sections, inversions, partials, comments and delimiter changes are refused. */
const plainTypes: ReadonlySet<string> = new Set(['text', 'name', '&']);

/**
 * Why a subject template cannot be used, or undefined when it can. Only variables among
 * `subjectPlaceholders` are allowed: no sections (so no lambdas), no partials, no delimiter changes.
 */
export const subjectProblem = (template: string): string | undefined => {
  let tokens: unknown[][];
  try {
    tokens = writer.parse(template) as unknown[][];
  } catch (err) {
    return `is not a valid template: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`;
  }
  for (const [type, value] of tokens) {
    if (!plainTypes.has(type as string)) return `may hold only the placeholders ${placeholderList}, without sections or partials`;
    if (type !== 'text' && !allowed.has(value as string))
      return `has an unknown placeholder {{${String(value)}}}; known: ${placeholderList}`;
  }
  return undefined;
};

const placeholderList = subjectPlaceholders.map((p) => `{{${p}}}`).join(', ');

/** Line breaks would end the Subject header: a rendered value keeps to one line. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/**
 * The subject of one delivery: placeholders replaced by their values, nothing escaped (a subject is
 * not HTML). A template that `subjectProblem` would refuse is returned as it is, on one line.
 */
export const renderSubject = (template: string, view: SubjectView): string => {
  if (!template.includes('{{')) return oneLine(template);
  if (subjectProblem(template) !== undefined) return oneLine(template);
  const safe: SubjectView = {
    schedule: { name: oneLine(view.schedule.name) },
    message: { id: oneLine(view.message.id), sendAt: oneLine(view.message.sendAt) },
  };
  return oneLine(writer.render(template, safe, undefined, { escape: (value: unknown) => String(value) }));
};

/** Whether a subject template needs the schedule's name (then the sender looks it up). */
export const needsScheduleName = (template: string): boolean => /\{\{[{&]?\s*schedule\.name\s*\}?\}\}/.test(template);
