/**
 * Tabs of one user in one browser share one server connection, and a leader that closes loses
 * nothing: plain pages importing /ssemux.js as served, against the real Java server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, startJavaServer, startStaticServer, uniqueUser } from './harness.js';

let java;
let web;
let browser;

before(async () => {
  java = await startJavaServer();
  web = await startStaticServer(java.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await web?.stop();
  await java?.stop();
});

/** Opens `count` tabs of `user` in one browser context, each subscribed to its own channel. */
async function openTabs(context, user, channels) {
  const pages = [];
  for (const channel of channels) {
    const page = await context.newPage();
    await page.goto(`${web.url}/tab.html?user=${user}&channels=${channel}`);
    pages.push(page);
  }
  await Promise.all(pages.map((p) => p.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 15000 })));
  return pages;
}

const received = (page) => page.evaluate(() => window.received.map((e) => e.data));

test('three tabs of one user make exactly one server connection and all get their events', async () => {
  const user = uniqueUser('three');
  const context = await browser.newContext();
  try {
    const pages = await openTabs(context, user, ['t1', 't2', 't3']);
    await eventually(async () => (await java.subscribers('t3')) === 1, 'every channel subscribed');
    assert.equal(await java.connections(user), 1);
    const leaders = await Promise.all(pages.map((p) => p.evaluate(() => window.ssemux.isLeader)));
    assert.equal(leaders.filter(Boolean).length, 1);
    for (const channel of ['t1', 't2', 't3']) await java.publish(channel, 'note', channel);
    for (const [i, page] of pages.entries()) {
      await eventually(async () => (await received(page)).length === 1, `tab ${i + 1} event`);
      assert.deepEqual(await received(page), [`t${i + 1}`]);
    }
    assert.equal(await java.connections(user), 1);
  } finally {
    await context.close();
  }
});

test('closing the leader tab: another tab takes over and no event published meanwhile is lost', async () => {
  const user = uniqueUser('takeover');
  const context = await browser.newContext();
  try {
    const pages = await openTabs(context, user, ['k1', 'k2', 'k3']);
    await eventually(async () => (await java.subscribers('k3')) === 1, 'every channel subscribed');
    const isLeader = await Promise.all(pages.map((p) => p.evaluate(() => window.ssemux.isLeader)));
    const leader = pages[isLeader.indexOf(true)];
    const followers = pages.filter((p) => p !== leader);
    const followerChannels = await Promise.all(followers.map((p) => p.evaluate(() => new URL(location).searchParams.get('channels'))));

    // Publish a steady stream on the followers' channels from before the close until well after
    // the takeover; every one of them must arrive once, in order.
    const sent = [];
    let publishing = true;
    const publisher = (async () => {
      for (let n = 0; publishing && n < 400; n++) {
        await java.publish(followerChannels[n % 2], 'note', n);
        sent.push(n);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await eventually(() => sent.length >= 10, 'events before the close');
    await leader.close();
    const newLeader = await eventually(async () => {
      const flags = await Promise.all(followers.map((p) => p.evaluate(() => window.ssemux.isLeader)));
      return followers[flags.indexOf(true)];
    }, 'a new leader');
    await newLeader.waitForFunction(() => window.ssemux.state === 'open', null, { timeout: 15000 });
    const [resumedFrom] = await newLeader.evaluate(() => window.streamUrls.map((u) => new URL(u, location).searchParams.get('lastEventId')));
    assert.match(resumedFrom ?? '', /^\d+$/, 'the new leader resumes after the last relayed event');
    const sentAtTakeover = sent.length;
    await eventually(() => sent.length >= sentAtTakeover + 20, 'events after the takeover');
    publishing = false;
    await publisher;

    for (const [i, page] of followers.entries()) {
      const expected = sent.filter((n) => n % 2 === i);
      await eventually(async () => (await received(page)).length >= expected.length, `follower ${i} caught up`);
      assert.deepEqual(await received(page), expected, `follower ${i}: every event once, in order`);
    }
    await eventually(async () => (await java.connections(user)) === 1, 'one connection after the takeover');
  } finally {
    await context.close();
  }
});
