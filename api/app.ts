// The express app factory: routes, body limits, and one problem-details error handler.
import express, { type Express } from 'express';
import type { ApiDeps } from './deps';
import { healthRoutes } from './routes/health';
import { cycleRoutes } from './routes/cycles';
import { problemHandler, sendProblem } from './problem';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '20mb' })); // an organisation of 10,000 positions with drafts is ~10 MB
  app.use(healthRoutes(deps));
  app.use(cycleRoutes(deps));
  app.use('/api', (_req, res) => sendProblem(res, 404, 'not_found', 'No such endpoint.'));
  app.use(problemHandler((err) => deps.logger.error({ err }, 'unexpected error')));
  return app;
}
