import { UpdateBuilder } from './expression';

describe('UpdateBuilder', () => {
  describe('build', () => {
    it('turns undefined into REMOVE and names every attribute through a placeholder', () => {
      const b = new UpdateBuilder().set('status', 'aborted').set('dueAt', undefined).add('runCount', 1);
      b.when((u) => `${u.name('status')} IN (${u.value('scheduled')}, ${u.value('failed')})`);
      expect(b.build()).toEqual({
        UpdateExpression: 'SET #status = :v0 REMOVE #dueAt ADD #runCount :v1',
        ConditionExpression: '(#status IN (:v2, :v3))',
        ExpressionAttributeNames: { '#status': 'status', '#dueAt': 'dueAt', '#runCount': 'runCount' },
        ExpressionAttributeValues: { ':v0': 'aborted', ':v1': 1, ':v2': 'scheduled', ':v3': 'failed' },
      });
    });

    it('leaves out the values map when there are no values (DynamoDB rejects an empty one)', () => {
      const built = new UpdateBuilder()
        .remove('a', 'b')
        .when(() => 'attribute_exists(PK)')
        .build();
      expect(built).toEqual({
        UpdateExpression: 'REMOVE #a, #b',
        ConditionExpression: '(attribute_exists(PK))',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
      });
    });
  });

  describe('setEntry', () => {
    it('sets one entry of a map, its key named through a placeholder like any attribute', () => {
      expect(new UpdateBuilder().setEntry('a', '12', 'x').build()).toEqual({
        UpdateExpression: 'SET #a.#12 = :v0',
        ExpressionAttributeNames: { '#a': 'a', '#12': '12' },
        ExpressionAttributeValues: { ':v0': 'x' },
      });
    });
  });

  describe('isEmpty', () => {
    it('is true while only conditions were added', () => {
      const b = new UpdateBuilder().when(() => 'attribute_exists(PK)');
      expect(b.isEmpty).toBe(true);
      expect(b.set('x', 1).isEmpty).toBe(false);
    });
  });
});
