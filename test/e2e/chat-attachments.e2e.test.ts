import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, inviteAndAccept } from '../../plugins/chat/testing/chat-fixture.ts';
import { filesPlugin } from '../../plugins/files/index.ts';
import type { TestServer } from '../harness/test-server.ts';
import { logIn, newPerson, screenshots, twoServersWithBrowser } from './browser-harness.ts';

describe('browser: attachments in a federated chat room', function () {
  this.timeout(150_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const snap = screenshots('e2e-chat-attachments');

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [
      filesPlugin(),
      chatPlugin({ sweepMs: 500, attachments: true }),
    ]));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('alice attaches a picture from her device; both see it inline with a preview, bob through his share', async () => {
    const aliceToken = await a.user('alice');
    const bobToken = await b.user('bob');
    const roomA = (await createRoom(a, aliceToken, 'Photos')).id;
    await inviteAndAccept(a, aliceToken, roomA, b, 'bob', bobToken);
    const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();

    const alice = await newPerson(browser);
    const ap = alice.page;
    await logIn(ap, a.origin, 'alice', 'alice-password');
    await ap.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await ap.locator('[data-testid="room-link"][data-room-name="Photos"]').click();
    await ap.getByRole('heading', { name: '# Photos', level: 1 }).waitFor();
    await ap.getByTestId('attach-input').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png });
    const chip = ap.getByTestId('attachment').last();
    await chip.getByTestId('attachment-preview').waitFor();
    await chip.getByText('sunset.png').waitFor();
    await snap(ap, 'alice-sent-picture');

    const bob = await newPerson(browser);
    const bp = bob.page;
    await logIn(bp, b.origin, 'bob', 'bob-password');
    await bp.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await bp.locator('[data-testid="room-link"][data-room-name="Photos"]').click();
    await bp.getByRole('heading', { name: '# Photos', level: 1 }).waitFor();
    const bobChip = bp.getByTestId('attachment').last();
    await bobChip.getByTestId('attachment-preview').waitFor();
    const loaded = await bobChip
      .getByTestId('attachment-preview')
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    assert.ok(loaded > 0, 'the preview image loaded');
    await snap(bp, 'bob-sees-picture');

    // The download link hands over the very bytes alice sent.
    const [download] = await Promise.all([bp.waitForEvent('download'), bobChip.getByText('sunset.png').click()]);
    assert.equal(download.suggestedFilename(), 'sunset.png');
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(png));
  });
});
