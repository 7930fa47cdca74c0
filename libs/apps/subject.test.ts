import { needsScheduleName, renderSubject, subjectProblem } from './subject';

const view = { schedule: { name: 'morning <digest> & co' }, message: { id: 'msg_1', sendAt: '2027-01-04T11:00:00.000Z' } };

describe('renderSubject', () => {
  it('replaces the placeholders, escaping nothing (a subject is not HTML)', () => {
    expect(renderSubject('{{schedule.name}}: {{message.id}} at {{message.sendAt}}', view)).toBe(
      'morning <digest> & co: msg_1 at 2027-01-04T11:00:00.000Z',
    );
    expect(renderSubject('{{{schedule.name}}} / {{& message.id}}', view)).toBe('morning <digest> & co / msg_1');
    expect(renderSubject('plain subject', view)).toBe('plain subject');
  });

  it('keeps the result on one line, whatever a value holds', () => {
    expect(renderSubject('x {{schedule.name}}', { ...view, schedule: { name: 'a\r\nBcc: evil@example.com' } })).toBe(
      'x a Bcc: evil@example.com',
    );
  });

  it('renders a refused template as it is, never evaluating it', () => {
    expect(renderSubject('{{#message}}{{id}}{{/message}}', view)).toBe('{{#message}}{{id}}{{/message}}');
    expect(renderSubject('{{> partial}}', view)).toBe('{{> partial}}');
  });
});

describe('subjectProblem', () => {
  it('accepts only the three placeholders as variables', () => {
    expect(subjectProblem('{{schedule.name}} {{message.id}} {{message.sendAt}}')).toBeUndefined();
    expect(subjectProblem('{{message}}')).toMatch(/unknown placeholder/);
    expect(subjectProblem('{{#schedule}}x{{/schedule}}')).toMatch(/without sections or partials/);
    expect(subjectProblem('{{message.id')).toMatch(/not a valid template/);
  });
});

describe('needsScheduleName', () => {
  it('tells whether the schedule has to be looked up', () => {
    expect(needsScheduleName('{{ schedule.name }}')).toBe(true);
    expect(needsScheduleName('{{{schedule.name}}}')).toBe(true);
    expect(needsScheduleName('{{message.id}}')).toBe(false);
  });
});
