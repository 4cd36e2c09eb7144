// An ESLint rule that keeps the process boundary by PATH, not only by package name: each zone (a set of
// files, chosen by the config block's `files`) names the repo paths and the packages it may not import.
// Relative specifiers are resolved against the importing file, so `../../secrets.ts` from a service is
// caught as `electron/secrets.ts`, whatever the depth. Type-only imports count too: a zone that may not
// depend on a file may not depend on its types either.
//
// Options: { root, paths: ['renderer/**', 'electron/secrets.ts', …], packages: ['electron*', 'node:*', …], why }
//   paths     'dir/**' is the folder and all under it, 'dir/*' the files directly in it; a file matches
//             with or without its extension.
//   packages  a package name, `*` as a wildcard ('react*' is react, react-dom, …); 'node:*' is every
//             Node built-in, with or without the prefix.
import { builtinModules } from 'node:module';
import path from 'node:path';

const EXT = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const BUILTINS = new Set(builtinModules);

const toPosix = (p) => p.split(path.sep).join('/');

function pathMatches(rel, pattern) {
  if (pattern.endsWith('/**')) {
    const dir = pattern.slice(0, -3);
    return rel === dir || rel.startsWith(`${dir}/`);
  }
  if (pattern.endsWith('/*')) return path.posix.dirname(rel) === pattern.slice(0, -2);
  return rel.replace(EXT, '') === pattern.replace(EXT, '');
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function packageMatches(spec, pattern) {
  if (pattern === 'node:*') return spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(packageName(spec));
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return re.test(packageName(spec));
}

/** @type {import('eslint').Rule.RuleModule} */
export const zonesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that cross a process boundary, by repo path and by package.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          paths: { type: 'array', items: { type: 'string' } },
          packages: { type: 'array', items: { type: 'string' } },
          why: { type: 'string' },
        },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      path: "'{{spec}}' is {{target}}, which this zone may not import: {{why}}",
      package: "'{{spec}}' may not be imported here: {{why}}",
    },
  },
  create(context) {
    const { root, paths = [], packages = [], why = 'it crosses a process boundary.' } = context.options[0] ?? {};
    const filename = context.physicalFilename ?? context.filename;
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const rel = toPosix(path.relative(root, path.resolve(path.dirname(filename), spec)));
        if (paths.some((p) => pathMatches(rel, p))) context.report({ node, messageId: 'path', data: { spec, target: rel, why } });
        return;
      }
      if (packages.some((p) => packageMatches(spec, p))) context.report({ node, messageId: 'package', data: { spec, why } });
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        // typescript-eslint 8: `argument` is a TSLiteralType around the string literal.
        const lit = node.argument?.literal ?? node.argument;
        if (lit?.type === 'Literal') check(lit, lit.value);
      },
      TSExternalModuleReference: (node) => node.expression.type === 'Literal' && check(node.expression, node.expression.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

export default { meta: { name: 'storyreel-zones' }, rules: { zones: zonesRule } };
