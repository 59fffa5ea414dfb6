import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkOrder } from '../../services/start-work-order.js';
import { projectRoot } from '../../stack/paths.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

describe('Temporal Web UI', () => {
  it('finds a work order by its order id and shows its summary and status', async () => {
    const erpOrderId = '6000042';
    const { workflowId } = await startWorkOrder(engine.services.client, {
      v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity: '500', unit: 'PC', line: 'line-2', operation: '0010', releasedAt: new Date().toISOString(),
    });
    // Visibility is eventually consistent: wait until the search attribute finds it through the server first.
    await eventually(async () => {
      for await (const w of engine.services.client.workflow.list({ query: `ErpOrderId = '${erpOrderId}'` })) return w.workflowId;
      return undefined;
    }, 'visibility of the order');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const query = encodeURIComponent(`ErpOrderId="${erpOrderId}"`);
      await page.goto(`${engine.stack.temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
      const row = page.getByText(workflowId, { exact: true }).first();
      await row.waitFor({ timeout: 30_000 });
      const dir = path.join(projectRoot, 'test-results');
      await mkdir(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'web-ui-search.png'), fullPage: true });
      await row.click();
      await page.waitForURL(/\/workflows\/work-order/, { timeout: 30_000 });
      await page.getByRole('heading', { name: workflowId }).first().waitFor({ timeout: 30_000 });
      // The status badge (styled upper case; the DOM text is "Running").
      await page.locator('text=/^\\s*running\\s*$/i >> visible=true').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(dir, 'web-ui-work-order.png'), fullPage: true });
      // The static summary sits under the workflow's User Metadata.
      await page.locator('text="User Metadata" >> visible=true').first().click();
      // The UI renders summary and details as markdown, each in its own sandboxed frame.
      const inAnyFrame = async (text: string) => {
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          for (const f of page.frames()) if ((await f.getByText(text).count().catch(() => 0)) > 0) return true;
          await page.waitForTimeout(250);
        }
        return false;
      };
      expect(await inAnyFrame(`WO ${erpOrderId} - 500 PC x BRACKET-A on line-2`)).toBe(true);
      expect(await inAnyFrame('waiting for the first counts from line-2')).toBe(true);

      await page.screenshot({ path: path.join(dir, 'web-ui-work-order-summary.png'), fullPage: true });
      expect(await page.getByText(workflowId).count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });

  it('fails to find an order that does not exist', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${engine.stack.temporal.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('ErpOrderId="9999999"')}`);
      // The list renders its empty state once the search has answered.
      await page.getByText('No Workflows Found').first().waitFor({ timeout: 30_000 });
      expect(await page.getByText('work-order:plant1:9999999').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
