// The names that give a transport package away in a bundle: string literals, template text and property names
// (what minifiers keep) found in that package's built dist/index.mjs and in no other client package or client
// dependency. A one-transport bundle containing another transport's distinctive name has bundled its code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAst } from "rollup/parseAst";
import { REPO_ROOT } from "../size/bundle.mjs";

type AstNode = { type: string; [key: string]: unknown };

/** Names a minifier leaves alone. Identifiers of bindings are mangled, so they are not collected. */
export function namesIn(code: string): Set<string> {
  const names = new Set<string>();
  const add = (s: unknown) => typeof s === "string" && s.length >= 4 && names.add(s);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object" || typeof (node as AstNode).type !== "string") return;
    const n = node as AstNode;
    if (n.type === "Literal") add(n.value);
    else if (n.type === "TemplateElement") add((n.value as { cooked?: string }).cooked);
    else if ((n.type === "MemberExpression" || n.type === "Property" || n.type === "MethodDefinition" || n.type === "PropertyDefinition") && !n.computed) {
      const key = (n.type === "MemberExpression" ? n.property : n.key) as AstNode;
      if (key.type === "Identifier") add(key.name);
    }
    for (const [k, v] of Object.entries(n)) if (k !== "type" && v && typeof v === "object") visit(v);
  };
  visit(parseAst(code));
  return names;
}

const distOf = (dir: string) => readFileSync(join(REPO_ROOT, "packages", dir, "dist/index.mjs"), "utf8");

/**
 * For each transport dir: its distinctive names. `others` adds code that is in every bundle anyway (the client,
 * its dependency mitt, the entry file), whose names therefore prove nothing.
 */
export function distinctiveNames(transportDirs: string[], common: string[]): Map<string, Set<string>> {
  const byDir = new Map(transportDirs.map((d) => [d, namesIn(distOf(d))]));
  const shared = new Set<string>();
  for (const code of [distOf("client"), readFileSync(join(REPO_ROOT, "node_modules/mitt/dist/mitt.mjs"), "utf8"), ...common]) {
    for (const name of namesIn(code)) shared.add(name);
  }
  const result = new Map<string, Set<string>>();
  for (const [dir, names] of byDir) {
    const unique = new Set([...names].filter((n) => !shared.has(n) && ![...byDir].some(([d, o]) => d !== dir && o.has(n))));
    result.set(dir, unique);
  }
  return result;
}

/** Hand-picked tells per transport (checked against the package's own dist by the test, so they stay true). */
export const KNOWN_MARKERS: Record<string, string[]> = {
  polling: ["no fetch for long polling"],
  jsonp: ["___eio"],
  "xhr-multipart": ["no multipart boundary"],
  iframe: ["postMessage"],
  "flash-bridge": ["__onFlashEvent", "bridge.swf"],
};
