// The WebManager console in headless Chromium (tests/scenario/test_webmanager_console_e2e.py runs
// this in the client namespace of a 2-server cluster whose group failover1 runs on server1):
//   node webmanager_console.mjs URL OPERATOR_PASSWORD REFERENCE_PASSWORD SCREENSHOT_DIR
// The operator logs in, sees both servers Online, moves failover1 to server2 through the
// confirmation dialog and watches it arrive, and finds the move in the alert log (filtered);
// the reference user sees the same tree but is offered no operation, and the API refuses one
// sent anyway. Screenshots of each step go to SCREENSHOT_DIR for review. Exit 0 when all held.
import { mkdirSync } from 'node:fs';
import { launchBrowser } from './lib/browser.mjs';

const [url, operatorPassword, referencePassword, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launchBrowser();
const step = (name) => console.log(`step: ${name}`);

async function logIn(page, user, password) {
    await page.goto(url);
    await page.waitForSelector('#login-view:not([hidden])');
    await page.selectOption('#login-user', user);
    await page.fill('#login-password', password);
    await page.keyboard.press('Enter'); // the form is usable from the keyboard
    await page.waitForSelector('#console-view:not([hidden])');
}

try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);

    step('a wrong password is refused');
    await page.goto(url);
    await page.waitForSelector('#login-view:not([hidden])');
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await page.waitForFunction(() => document.querySelector('#login-error').textContent.trim() !== '');
    await page.screenshot({ path: `${shots}/01-login-refused.png` });

    step('the operator sees both servers Online and the group on server1');
    await logIn(page, 'operator', operatorPassword);
    await page.waitForSelector('[data-object="server:server1"][data-state="Online"]');
    await page.waitForSelector('[data-object="server:server2"][data-state="Online"]');
    await page.waitForSelector('[data-object="group:failover1"][data-state="Online"][aria-label*="on server1"]');
    await page.screenshot({ path: `${shots}/02-operator-online.png` });

    step('genw1 shows its state on each server in the details');
    await page.focus('[data-object="monitor:genw1"]');
    await page.keyboard.press('Enter');
    for (const server of ['server1', 'server2'])
      await page.waitForSelector(`#details[data-object="monitor:genw1"] td[data-field="server:${server}"][data-state="Normal"]`);

    step('the operator moves failover1 to server2 and watches it arrive');
    await page.focus('[data-object="group:failover1"]');
    await page.keyboard.press('Enter'); // select from the keyboard
    await page.waitForSelector('#details[data-object="group:failover1"]');
    await page.click('[data-op="group.move"]');
    await page.waitForSelector('#confirm-dialog[open]');
    await page.selectOption('#confirm-target', 'server2');
    await page.screenshot({ path: `${shots}/03-move-confirm.png` });
    await page.click('#confirm-ok');
    await page.waitForSelector('#progress[data-state="done"]', { timeout: 30000 });
    // The page learns the new owner from the live stream, not from a reload.
    await page.waitForSelector('[data-object="group:failover1"][data-state="Online"][aria-label*="on server2"]',
                               { timeout: 15000 });
    await page.screenshot({ path: `${shots}/04-group-moved.png` });

    step('the move is in the alert log, also under the "info" filter');
    const moved = '#alert-rows tr:has-text("Group failover1 moved from server1 to server2")';
    await page.waitForSelector(moved);
    await page.selectOption('#filter-type', 'error');
    await page.waitForSelector(moved, { state: 'detached' });
    await page.selectOption('#filter-type', 'info');
    await page.waitForSelector(moved);
    await page.screenshot({ path: `${shots}/05-alert-log.png`, fullPage: true });
    await page.click('#logout');
    await page.waitForSelector('#login-view:not([hidden])');

    step('the reference user may look but not operate');
    await logIn(page, 'reference', referencePassword);
    await page.waitForSelector('[data-object="group:failover1"][aria-label*="on server2"]');
    await page.click('[data-object="group:failover1"] > .node'); // its row, not a resource inside
    await page.waitForSelector('#details[data-object="group:failover1"]');
    if (await page.locator('#operations button').count() !== 0)
        throw new Error('the reference user is offered operations');
    await page.waitForSelector('#operations:has-text("The reference user may only look.")');
    const status = await page.evaluate(async () => {
        const session = await (await fetch('/api/v1/session')).json();
        const r = await fetch('/api/v1/groups/failover1/move', {
            method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken || '' },
            body: '{}' });
        return r.status;
    });
    if (status !== 403)
        throw new Error(`the API answered the reference user's move with ${status}, not 403`);
    await page.screenshot({ path: `${shots}/06-reference-user.png` });
    console.log('ok');
} finally {
    await browser.close();
}
