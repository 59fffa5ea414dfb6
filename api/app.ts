import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemHandler } from '../http/problem.js';
import { registerAuth } from './auth.js';
import { registerPlaceCheck } from './place-check.js';
import { recordRequests, type ApiMetrics } from './metrics.js';
import type { ApiDeps } from './deps.js';
import { counterHoldRoutes } from './routes/counter-holds.js';
import { erpWebhookRoutes } from './routes/erp-webhook.js';
import { exceptionRoutes } from './routes/exceptions.js';
import { genealogyRoutes } from './routes/genealogy.js';
import { orderRoutes } from './routes/orders.js';
import { productionRoutes } from './routes/production.js';
import { sapEventRoutes } from './routes/sap-events.js';
import { shiftRoutes } from './routes/shifts.js';
import { shiftReportRoutes } from './routes/shift-reports.js';
import { shiftCalendarRoutes } from './routes/shift-calendars.js';
import { supervisorRoutes } from './routes/supervisor.js';
import { registerSupervisorUi } from './ui-static.js';

/** The planner API as an app: tests call `inject`, the process entrypoint listens. */
export async function buildPlannerApi(deps: ApiDeps, opts: { logger?: boolean; metrics?: ApiMetrics } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false }).withTypeProvider<ZodTypeProvider>();
  // Before any route: every answer is counted, the refused ones (401, 404) included.
  if (opts.metrics) recordRequests(app, opts.metrics);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);
  await app.register(swagger, {
    openapi: {
      info: { title: 'MES orchestration planner API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app, deps.db);
  registerPlaceCheck(app, deps.db);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(orderRoutes(deps));
  await app.register(productionRoutes(deps));
  await app.register(counterHoldRoutes(deps));
  await app.register(erpWebhookRoutes(deps));
  await app.register(sapEventRoutes(deps));
  await app.register(shiftRoutes(deps));
  await app.register(shiftReportRoutes(deps));
  await app.register(shiftCalendarRoutes(deps));
  await app.register(supervisorRoutes(deps));
  await registerSupervisorUi(app);
  await app.register(exceptionRoutes(deps));
  await app.register(genealogyRoutes(deps));
  return app;
}
