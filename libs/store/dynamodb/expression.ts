/** Builds one UpdateItem's expressions with generated placeholders, so callers never splice user values into them. */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  /** The placeholder of an attribute name (every name goes through one: reserved words like `status` need it). */
  name(attr: string): string {
    const placeholder = `#${attr.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = attr;
    return placeholder;
  }

  /** The placeholder of a value. */
  value(v: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = v;
    return placeholder;
  }

  /** `SET attr = value`, or `REMOVE attr` when the value is undefined (the ports' "clear this field"). */
  set(attr: string, v: unknown): this {
    if (v === undefined) this.removes.push(this.name(attr));
    else this.sets.push(`${this.name(attr)} = ${this.value(v)}`);
    return this;
  }

  /** `SET map.key = value`: one entry of a map attribute, which must exist. */
  setEntry(map: string, key: string, v: unknown): this {
    this.sets.push(`${this.name(map)}.${this.name(key)} = ${this.value(v)}`);
    return this;
  }

  /** `REMOVE attr`. */
  remove(...attrs: string[]): this {
    for (const a of attrs) this.removes.push(this.name(a));
    return this;
  }

  /** `ADD attr n`: an atomic counter increment. */
  add(attr: string, n: number): this {
    this.adds.push(`${this.name(attr)} ${this.value(n)}`);
    return this;
  }

  /** `ADD attr :set`: adds a string to a string set (created when missing). */
  addToSet(attr: string, v: string): this {
    this.adds.push(`${this.name(attr)} ${this.value(new Set([v]))}`);
    return this;
  }

  /** ANDs a condition; `expr` gets this builder to name its attributes and values. */
  when(expr: (b: this) => string): this {
    this.conditions.push(`(${expr(this)})`);
    return this;
  }

  /** Whether anything would be written. */
  get isEmpty(): boolean {
    return !this.sets.length && !this.removes.length && !this.adds.length;
  }

  /** The UpdateItem parameters (DynamoDB rejects empty maps, so they are left out when empty). */
  build(): {
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const parts = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ].filter(Boolean);
    return {
      UpdateExpression: parts.join(' '),
      ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
