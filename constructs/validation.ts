import { Token } from 'cdktf';

/**
 * Collects the problems of a construct's props and throws them together, the way the config
 * loader does, so a direct user of a construct gets every problem at once too.
 */
export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(private readonly construct: string) {}

  /** Checks a value unless it is an unresolved token (known only at apply time). */
  check(prop: string, value: string | number | undefined, problems: readonly string[]): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    for (const problem of problems) this.problems.push(`'${prop}' ${problem} (value: ${JSON.stringify(value)})`);
    return this;
  }

  /** Records each problem of a rule about a prop as a whole, without its value. */
  rule(prop: string, problems: readonly string[]): this {
    for (const problem of problems) this.problems.push(`'${prop}' ${problem}`);
    return this;
  }

  require(condition: boolean, problem: string): this {
    if (!condition) this.problems.push(problem);
    return this;
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new Error(`Invalid ${this.construct} props:\n${this.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
}
