// Debian's Chromium, headless, driven by playwright-core (no browser download). The flags keep
// Chromium off the network it would otherwise try at start (updates, sync, QUIC); the tests only
// talk to the WebManager they started.
import { chromium } from 'playwright-core';

export async function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.LIFELINE_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
}
