// Smoke test of the real extension in real VS Code (code-server in Chromium): it loads, its view
// container and commands are there, its Runs view activates it. Feature tests live beside this file.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { activityBarItem, launch, makeWorkspace, openViewContainer, runCommand, viewPane, type VscodeSession } from './harness';

describe('smoke: Spanlens in VS Code (code-server)', () => {
  let vs: VscodeSession;

  beforeAll(async () => {
    vs = await launch({ workspace: makeWorkspace({ 'README.md': '# empty workspace\n' }), name: 'smoke' });
  });
  afterAll(async () => {
    await vs?.close();
  });

  test('the Spanlens view container is in the activity bar and opens the Runs view', async () => {
    await expect.poll(() => activityBarItem(vs.page, 'Spanlens').count(), { timeout: 30_000 }).toBe(1);
    await openViewContainer(vs.page, 'Spanlens');
    await viewPane(vs.page, 'Runs').waitFor({ state: 'attached' });
    // onView:spanlens.runs activates the extension.
    await vs.waitForActivation('spanlens.spanlens');
    await vs.screenshot('smoke-runs-view');
  });

  test('its commands run from the command palette', async () => {
    await runCommand(vs.page, 'Spanlens: Refresh');
    expect(vs.consoleErrors.filter((e) => /spanlens/i.test(e))).toEqual([]);
  });
});
