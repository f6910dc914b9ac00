/**
 * YAML text to plain data, refusing what cannot be a config before anything looks at its values:
 * syntax errors, nesting deeper than any config needs, duplicate keys, keys that are collections,
 * and aliases that are undefined, circular or expand too far. Each is a ConfigIssue with its line;
 * the yaml library would otherwise throw (or, nested deep enough, abort the process).
 */
import { Composer, type CST, type Document, isAlias, isCollection, isMap, isNode, isScalar, isSeq, Lexer, type Node, Parser, visit } from 'yaml';
import type { ConfigIssue, IssuePath } from './resolve';

/**
 * Deepest nesting of collections read. A config nests about eight levels; the yaml library
 * composes documents recursively, and some thousands of levels exhaust the stack (a fatal error
 * that no catch sees), so the nesting is measured on the token stream first.
 */
const MAX_NESTING = 64;

/** Alias expansions allowed in one document: enough for any config, not for an exponential expansion ("billion laughs"). */
const MAX_ALIAS_COUNT = 200;

export interface ReadYaml {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
}

export function readYaml(text: string): ReadYaml {
  const composed = compose(text);
  if (!('document' in composed)) return { value: undefined, issues: [composed.problem] };
  const { document } = composed;
  const syntax: ConfigIssue[] = document.errors.map((e) => {
    const line = lineOf(text, e.pos[0]);
    return { path: [], value: text.split('\n')[line - 1]?.trim(), message: `is not valid YAML at line ${line}: ${e.message.split('\n')[0]}` };
  });
  const structure = [...keyProblems(document.contents, [], text), ...aliasProblems(document, text)];
  if (syntax.length > 0 || structure.length > 0) return { value: undefined, issues: [...syntax, ...structure] };

  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}, issues: [] };
  } catch (cause) {
    // A document without errors fails to convert only on its content (an alias expansion past
    // the limit, a merge key on a scalar): a problem of the file, not of the loader.
    return { value: undefined, issues: [{ path: [], value: undefined, message: `cannot be read as data: ${(cause as Error).message}` }] };
  }
}

/**
 * The one document of the text, composed from the parser's tokens as they come, or the problem
 * that stops it: collections nested deeper than MAX_NESTING (read from the parser's own stack,
 * before the recursive composer sees them) or a second document.
 */
function compose(text: string): { readonly document: Document.Parsed } | { readonly problem: ConfigIssue } {
  let tooDeepAt: number | undefined;
  function* tokens(): Generator<CST.Token> {
    const parser = new Parser();
    let offset = 0;
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      offset += lexeme.length;
      if (parser.stack.length > MAX_NESTING) {
        tooDeepAt = offset;
        return;
      }
    }
    yield* parser.end();
  }
  // logLevel error: the library's warnings (e.g. about collection keys) would go to stderr.
  const documents = new Composer({ uniqueKeys: false, logLevel: 'error' }).compose(tokens(), true, text.length);
  const first = documents.next();
  const second = tooDeepAt === undefined ? documents.next() : undefined;
  if (tooDeepAt !== undefined) {
    return { problem: { path: [], value: undefined, message: `is not a usable config: collections nest more than ${MAX_NESTING} levels deep (line ${lineOf(text, tooDeepAt)})` } };
  }
  if (second?.done === false) {
    return { problem: { path: [], value: undefined, message: `holds more than one YAML document (a second starts at line ${lineOf(text, second.value.range[0])}): a config is one document` } };
  }
  // compose() with forceDoc always yields a document, if only an empty one.
  return { document: first.value as Document.Parsed };
}

/**
 * Duplicate keys (the library keeps the last of two equal keys; we refuse them, e.g. an
 * environment declared twice) and keys that are collections (the library would turn them into
 * text such as "[ a, b ]").
 */
function keyProblems(node: Node | null, path: IssuePath, text: string): ConfigIssue[] {
  if (isMap(node)) {
    const seen = new Map<unknown, number | undefined>();
    return node.items.flatMap((pair) => {
      const keyNode = pair.key as Node | null;
      if (isCollection(keyNode) || isAlias(keyNode)) {
        return [{ path, value: undefined, message: `has a key that is not a name (line ${lineOf(text, keyNode.range?.[0])}): keys must be plain names` }];
      }
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      const keyPath = [...path, String(key ?? '')];
      const found: ConfigIssue[] = [];
      const start = isScalar(keyNode) ? keyNode.range?.[0] : undefined;
      if (seen.has(key)) {
        found.push({
          path: keyPath,
          value: key,
          message: `is declared twice (lines ${lineOf(text, seen.get(key))} and ${lineOf(text, start)}): names must be unique${path.length === 1 && path[0] === 'environments' ? ' (duplicate environment)' : ''}`,
        });
      } else {
        seen.set(key, start);
      }
      return [...found, ...keyProblems(pair.value as Node | null, keyPath, text)];
    });
  }
  if (isSeq(node)) return node.items.flatMap((item, i) => keyProblems(item as Node | null, [...path, i], text));
  return [];
}

/** Aliases to an anchor not defined before them, or inside the node they name (a structure that contains itself). */
function aliasProblems(document: Document.Parsed, text: string): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const anchors = new Set<string>();
  visit(document, {
    Node(_key, node) {
      if (node.anchor !== undefined) anchors.add(node.anchor);
    },
    Alias(_key, alias, ancestors) {
      const line = lineOf(text, alias.range?.[0]);
      if (!anchors.has(alias.source)) {
        problems.push({ path: [], value: `*${alias.source}`, message: `is an alias without an anchor &${alias.source} before it (line ${line})` });
      } else if (ancestors.some((node) => isNode(node) && node.anchor === alias.source)) {
        problems.push({ path: [], value: `*${alias.source}`, message: `is an alias inside the node &${alias.source} it names (line ${line}): a config cannot contain itself` });
      }
    },
  });
  return problems;
}

export function lineOf(text: string, offset: number): number;
export function lineOf(text: string, offset: number | undefined): number | '?';
export function lineOf(text: string, offset: number | undefined): number | '?' {
  return offset === undefined ? '?' : text.slice(0, offset).split('\n').length;
}
