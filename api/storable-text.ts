// The API's door for text PostgreSQL cannot store (domain/storable-text.ts): such a body is refused
// with 400 invalid_text before anything reads it.
import type { NextFunction, Request, Response } from 'express';
import { unstorableTextPath } from '../domain/storable-text';
import { HttpProblem } from './problem';

export function requireStorableText(req: Request, _res: Response, next: NextFunction): void {
  const path = unstorableTextPath(req.body);
  if (path) {
    return next(new HttpProblem(400, 'invalid_text', `The text at ${path} contains a NUL character or a broken UTF-16 surrogate, which cannot be stored.`, { path }));
  }
  next();
}
