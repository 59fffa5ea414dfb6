import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
/** The folder of the file a package resolves to: where its browser ESM build sits (its `dist`). */
const distOf = (specifier: string): string => path.dirname(require.resolve(specifier));

/**
 * The browser modules the supervisor page imports through its import map (ui/index.html), each served from the
 * package's own ESM build in node_modules: no bundler, no copy to keep in step with package.json. chart.js's ESM build
 * imports `@kurkle/color`, its one dependency, by bare name: the import map points it here too.
 */
export const UI_VENDOR: Record<string, string> = {
  preact: distOf('preact'),
  'preact-hooks': distOf('preact/hooks'),
  htm: distOf('htm'),
  'chart.js': distOf('chart.js'),
  'kurkle-color': distOf('@kurkle/color'),
};

/** The page's own files (ui/ at the project root, beside api/). */
export const UI_ROOT = fileURLToPath(new URL('../ui/', import.meta.url));

/**
 * Serves the supervisor page (docs/supervisor-page.md) at `/ui/` and the vendored modules at `/ui/vendor/<name>/`.
 * Static files need no token: the page asks for one and sends it with each API call. Only scripts, maps, HTML and CSS
 * are served from a package's folder, not its package.json or sources.
 */
export async function registerSupervisorUi(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: UI_ROOT, prefix: '/ui/', index: 'index.html', schemaHide: true });
  app.get('/ui', { schema: { hide: true } }, (_req, reply) => reply.redirect('/ui/'));
  for (const [name, root] of Object.entries(UI_VENDOR)) {
    await app.register(fastifyStatic, {
      root, prefix: `/ui/vendor/${name}/`, decorateReply: false, schemaHide: true, index: false,
      allowedPath: (p) => /\.(m?js|map)$/.test(p),
    });
  }
}
