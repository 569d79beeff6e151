// Signing a person in on the page the way they do it: the embedded provider's form with their
// password (set once through a one-time invite link). Needs a stack started with
// `{ identityProvider: true }`.
import type { Page } from 'playwright-core';
import type { Stack } from './stack';
import { passwordOf, setPasswordByInvite } from './identity-provider';

export interface Person {
  accountId: string;
  role?: 'admin' | 'evaluator';
}

export const ADMIN: Person = { accountId: 'admin-test', role: 'admin' };
export const EVALUATOR: Person = { accountId: 'evaluator-test', role: 'evaluator' };
export const officialPerson = (nipOrId: string): Person => ({ accountId: nipOrId });

/** Sets the person's password (through an invite) and signs them in on the page. */
export async function signInOnPage(page: Page, stack: Stack, who: Person): Promise<void> {
  if (!stack.identityProvider) throw new Error('start the stack with { identityProvider: true } to sign in on the page');
  await setPasswordByInvite(stack.db, stack.identityProvider.issuer, who);
  await logInOnPage(page, stack, who.accountId);
}

/** From the page to the provider's sign-in form and back, as the person does it (their password set already). */
export async function logInOnPage(page: Page, stack: Stack, accountId: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/`);
  await page.locator('[data-testid=idp-login]').waitFor();
  await page.locator('#username').fill(accountId);
  await page.locator('#password').fill(passwordOf(accountId));
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('[data-testid=who]').waitFor();
}
