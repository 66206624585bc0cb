// Browser tests of the web page: Debian's chromium (never a downloaded browser) driven by
// playwright-core against `tongwen serve` over the bundled corpus (tests/ui/run.sh starts it).
// Each case names the defect of the old page it pins. Expected values come from the JSON API.
// Screenshots of each step go to $TONGWEN_SHOTS.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import assert from 'node:assert/strict';

const BASE = process.env.TONGWEN_URL;
const SHOTS = process.env.TONGWEN_SHOTS || '.';
if (!BASE) throw new Error('TONGWEN_URL is not set (run tests/ui/run.sh)');
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const DESKTOP = {width: 1366, height: 900};
const PHONE = {width: 390, height: 844};

async function api(p) {
  const r = await fetch(BASE + p);
  assert.equal(r.status, 200, p + ' answered ' + r.status);
  return r.json();
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});

async function open(viewport, url = '/?ui=en', extra = {}) {
  const context = await browser.newContext({viewport, locale: 'en-GB', acceptDownloads: true, ...extra});
  const page = await context.newPage();
  page.on('pageerror', e => { throw new Error('page error: ' + e.message); });
  await page.goto(BASE + url);
  await idle(page);
  return page;
}
async function idle(page) {
  await page.waitForFunction(() => {
    const r = document.querySelector('#results');
    return r && r.getAttribute('aria-busy') === 'false';
  });
}
async function search(page, q) {
  await page.fill('#q', q);
  await page.press('#q', 'Enter');
  await idle(page);
}
async function shot(page, name) {
  await page.screenshot({path: path.join(SHOTS, name + '.png'), fullPage: false});
}
const hitIds = page => page.$$eval('#results .hit h3 a', as => as.map(a => a.dataset.doc));
const status = page => page.textContent('#status');
const query = page => new URL(page.url()).searchParams;

// ---------------------------------------------------------------------------------------------
const cases = [];
const test = (name, fn) => cases.push({name, fn});

test('search in English and Chinese agrees with /api/search', async () => {
  const page = await open(DESKTOP);
  for (const [q, file] of [['innovation', 'desktop-search-en'], ['人工智能', 'desktop-search-zh']]) {
    await search(page, q);
    const want = await api('/api/search?q=' + encodeURIComponent(q));
    assert.deepEqual(await hitIds(page), want.hits.map(h => h.id));
    assert.match(await status(page), new RegExp('^' + want.total + ' documents for'));
    assert.ok(await page.$$eval('#results .hit mark', m => m.length) > 0, 'snippets carry marks');
    // Chinese hits carry lang="zh-…", English ones lang="en".
    const langs = await page.$$eval('#results .hit', hs => hs.map(h => h.lang));
    assert.deepEqual(langs, want.hits.map(h => h.lang));
    await shot(page, file);
  }
  await page.context().close();
});

test('plurals: 1 document, N documents, 共 N 篇文档, and a clear empty state', async () => {
  let one = null;
  for (const q of ['biomedicine', 'Nairobi', 'hydrogen lang:en', 'ChatGPT lang:en'])
    if ((await api('/api/search?size=0&q=' + encodeURIComponent(q))).total === 1) { one = q; break; }
  assert.ok(one, 'a query with exactly one document in the corpus');
  const page = await open(DESKTOP);
  await search(page, one);
  assert.equal(await status(page), '1 document for “' + one + '”');
  await search(page, 'innovation');
  const n = (await api('/api/search?size=0&q=innovation')).total;
  assert.equal(await status(page), n + ' documents for “innovation”');
  await page.click('#ui-lang');
  await idle(page);
  assert.equal(await status(page), '“innovation”共 ' + n + ' 篇文档');
  await search(page, one);
  assert.equal(await status(page), '“' + one + '”共 1 篇文档');
  await page.click('#ui-lang');
  await idle(page);
  await search(page, 'qqxxzzyy');
  assert.equal(await status(page), '0 documents for “qqxxzzyy”');
  assert.match(await page.textContent('#results .empty'), /No documents match “qqxxzzyy”/);
  await shot(page, 'desktop-empty');
  await page.context().close();
});

test('two speakers selected: counts and hits match the API, focus stays on the checkbox', async () => {
  const page = await open(DESKTOP);
  const speakers = (await api('/api/search?size=0')).facets.speaker.slice(0, 2).map(v => v.value);
  for (const s of speakers) {
    await page.check(`#facets input[data-f="speaker"][value="${s}"]`);
    await idle(page);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.value);
    assert.equal(focused, s, 'focus stays on the checkbox just toggled');
  }
  const want = await api('/api/search?' + speakers.map(s => 'speaker=' + encodeURIComponent(s)).join('&'));
  assert.match(await status(page), new RegExp('^' + want.total + ' documents?$'));
  assert.deepEqual(await hitIds(page), want.hits.map(h => h.id));
  for (const v of want.facets.speaker) {
    const label = await page.textContent(`#facets label:has(input[data-f="speaker"][value="${v.value}"]) .n`);
    assert.equal(label, '(' + v.count + ')', 'count of ' + v.value);
  }
  const chips = await page.$$eval('#chips .chip', cs => cs.map(c => c.textContent));
  assert.equal(chips.length, 2);
  assert.deepEqual(query(page).getAll('speaker'), speakers);
  await shot(page, 'desktop-two-speakers');
  await page.context().close();
});

test('facets: human labels, show all through /api/facets, filter box, topic tree, chips, clear all', async () => {
  const page = await open(DESKTOP);
  const legends = await page.$$eval('#facets legend', ls => ls.map(l => l.textContent));
  assert.deepEqual(legends, ['Speaker', 'Topic', 'Event', 'Year', 'Language', 'Type']);
  const langLabels = await page.$$eval('#facets input[data-f="lang"]', is => is.map(i => i.closest('label').textContent.trim()));
  assert.ok(langLabels.some(l => l.startsWith('English')) && langLabels.some(l => l.startsWith('Chinese (Simplified)')), langLabels.join('|'));
  const all = (await api('/api/facets/speaker?limit=10000')).values;
  assert.ok(all.length > 10, 'the corpus has more than 10 speakers');
  assert.equal(await page.$$eval('#facets input[data-f="speaker"]', is => is.length), 10);
  await page.click('#facets button[data-more="speaker"]');
  await page.waitForFunction(n => document.querySelectorAll('#facets input[data-f="speaker"]').length === n, all.length);
  await shot(page, 'desktop-facets-all-speakers');
  // The filter box finds values beyond the first ten.
  const rare = all[all.length - 1].value;
  await page.fill('#facets input[data-ff="speaker"]', rare.slice(0, 4));
  await page.waitForFunction(r => [...document.querySelectorAll('#facets input[data-f="speaker"]')].some(i => i.value === r), rare);
  const shown = await page.$$eval('#facets input[data-f="speaker"]', is => is.map(i => i.value));
  const norm = s => s.normalize('NFKC').toLowerCase();
  assert.ok(shown.every(v => norm(v).includes(norm(rare.slice(0, 4)))), shown.join('|'));
  await page.fill('#facets input[data-ff="speaker"]', '');
  // Topic tree: children nested under their parent; the parent's count is the rolled-up count.
  const topics = (await api('/api/search?size=0&facet_limit=100')).facets.topic;
  const child = topics.find(v => v.value.includes('/'));
  const parent = child.value.split('/')[0];
  await page.click('#facets button[data-more="topic"]');
  await page.waitForSelector(`#facets li:has(> label input[value="${parent}"]) > ul input[value="${child.value}"]`);
  const parentCount = (await api('/api/search?size=0&topic=' + encodeURIComponent(parent))).total;
  assert.equal(await page.textContent(`#facets label:has(input[data-f="topic"][value="${parent}"]) .n`), '(' + parentCount + ')');
  assert.equal(await page.textContent(`#facets label:has(input[value="${child.value}"]) > span:not(.n)`), child.value.split('/')[1]);
  await shot(page, 'desktop-topic-tree');
  // Chips for active filters; a new query keeps them visible; clear all removes them.
  await page.check(`#facets input[data-f="topic"][value="${parent}"]`);
  await idle(page);
  await page.check('#facets input[data-f="lang"][value="en"]');
  await idle(page);
  await search(page, 'qqxxzzyy');
  const empty = await page.textContent('#results .empty');
  assert.ok(empty.includes('Topic: ' + parent) && empty.includes('Language: English'), empty);
  await shot(page, 'desktop-empty-with-filters');
  await page.click('#results .empty button[data-clear]');
  await idle(page);
  assert.equal(await page.$$eval('#chips .chip', c => c.length), 0);
  assert.equal(query(page).getAll('topic').length + query(page).getAll('lang').length, 0);
  await search(page, 'innovation');
  await page.check('#facets input[data-f="lang"][value="en"]');
  await idle(page);
  assert.equal(await page.$$eval('#chips .chip', c => c.length), 1);
  await page.click('#chips button[data-clear]');
  await idle(page);
  assert.equal(await page.$$eval('#chips .chip', c => c.length), 0);
  assert.equal((await api('/api/search?size=0&q=innovation')).total + ' documents for “innovation”', await status(page));
  await page.context().close();
});

test('stale answers are never shown: a slow "innovation" does not replace 人工智能', async () => {
  const page = await open(DESKTOP);
  let release, finished;
  const gate = new Promise(r => { release = r; });
  const done = new Promise(r => { finished = r; });
  await page.route(u => u.pathname === '/api/search' && u.searchParams.get('q') === 'innovation', async route => {
    await gate;
    await route.continue().catch(() => {});
  });
  page.on('requestfinished', r => { if (r.url().includes('q=innovation')) finished('finished'); });
  page.on('requestfailed', r => { if (r.url().includes('q=innovation')) finished('failed'); });
  await page.fill('#q', 'innovation');
  await page.press('#q', 'Enter');
  assert.ok(await page.isVisible('#busy'), 'a busy indicator while the answer is awaited');
  await shot(page, 'desktop-busy');
  await search(page, '人工智能');
  release();
  await done;
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))));
  const want = await api('/api/search?q=' + encodeURIComponent('人工智能'));
  assert.equal(await page.inputValue('#q'), '人工智能');
  assert.deepEqual(await hitIds(page), want.hits.map(h => h.id));
  assert.match(await status(page), /人工智能/);
  await page.context().close();
});

test('URL state: page, document, side by side, concordance, language survive reload and Back/Forward', async () => {
  const page = await open(DESKTOP);
  await search(page, 'innovation');
  await page.click('nav.pager a[data-page="2"]');
  await idle(page);
  assert.equal(query(page).get('page'), '2');
  const page2 = (await api('/api/search?q=innovation&page=2')).hits.map(h => h.id);
  assert.deepEqual(await hitIds(page), page2);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-h', 'focus on the results, not the body');
  assert.ok(await page.evaluate(() => window.scrollY === 0), 'a new page of results starts at the top');
  await page.reload();
  await idle(page);
  assert.deepEqual(await hitIds(page), page2);
  // A document that has another version.
  const withVersions = (await api('/api/search?q=governance&size=20')).hits.find(h => h.translation_group);
  await search(page, 'governance');
  await page.click(`#results .hit a[data-doc="${withVersions.id}"]`);
  await idle(page);
  assert.equal(query(page).get('view'), 'doc');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'doc-h', 'focus on the document heading');
  const doc = await api('/api/documents/' + encodeURIComponent(withVersions.id));
  assert.equal(await page.textContent('#doc-h'), doc.title);
  await page.click('#results a[data-par]');
  await idle(page);
  assert.equal(query(page).get('view'), 'par');
  const parUrl = page.url();
  await page.reload();
  await idle(page);
  assert.ok(await page.isVisible('#par'), 'the side-by-side view after a reload');
  await shot(page, 'desktop-side-by-side');
  // A copied link in a fresh browser shows the same view.
  const other = await open(DESKTOP, parUrl.slice(BASE.length));
  assert.equal(await other.textContent('#doc-h'), await page.textContent('#doc-h'));
  await other.context().close();
  await page.goBack();
  await idle(page);
  assert.equal(await page.textContent('#doc-h'), doc.title);
  await page.goBack();
  await idle(page);
  assert.equal(query(page).get('view'), null);
  assert.equal(await page.inputValue('#q'), 'governance');
  await page.goForward();
  await idle(page);
  assert.equal(await page.textContent('#doc-h'), doc.title);
  // Concordance tab and interface language in the URL.
  await page.click('#tab-conc');
  await idle(page);
  await search(page, '知识产权');
  await page.click('#ui-lang');
  await idle(page);
  const concUrl = page.url();
  assert.equal(query(page).get('tab'), 'conc');
  assert.equal(query(page).get('ui'), 'zh');
  const fresh = await open(DESKTOP, concUrl.slice(BASE.length));
  assert.equal(await fresh.getAttribute('#tab-conc', 'aria-selected'), 'true');
  assert.equal(await fresh.getAttribute('html', 'lang'), 'zh-Hans');
  assert.equal(await fresh.textContent('#tab-conc'), '双语语境');
  const lines = (await api('/api/concordance?q=' + encodeURIComponent('知识产权'))).lines.length;
  assert.equal(await fresh.$$eval('table.conc tbody tr', r => r.length), lines);
  await fresh.context().close();
  // Back: the concordance of the previous query, then the document in the search tab.
  await page.goBack();
  await idle(page);
  assert.equal(await page.getAttribute('#tab-conc', 'aria-selected'), 'true');
  assert.equal(await page.inputValue('#q'), 'governance');
  await page.goBack();
  await idle(page);
  assert.equal(await page.getAttribute('#tab-search', 'aria-selected'), 'true');
  assert.equal(await page.textContent('#doc-h'), doc.title);
  await page.context().close();
});

test('interface language: switched on the page, remembered, in the URL', async () => {
  const page = await open(DESKTOP, '/');
  await page.click('#ui-lang');
  await idle(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.equal(query(page).get('ui'), 'zh');
  assert.equal(await page.textContent('#q-label'), '检索论坛文献');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ui-lang');
  const legends = await page.$$eval('#facets legend', ls => ls.map(l => l.textContent));
  assert.deepEqual(legends, ['发言人', '主题', '会议', '年份', '语言', '类型']);
  await shot(page, 'desktop-interface-zh');
  await page.goto(BASE + '/');
  await idle(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans', 'remembered without ?ui=');
  assert.equal(await page.getAttribute('#ui-lang', 'lang'), 'en', 'the switch names English in English');
  await page.context().close();
});

test('side by side: column headers, counterpart highlight on hover and focus, keys, low confidence, TMX name', async () => {
  const hit = (await api('/api/search?q=governance&size=20')).hits.find(h => h.translation_group && h.lang === 'en');
  const doc = await api('/api/documents/' + hit.id);
  const other = doc.translations.find(x => x.lang !== doc.lang);
  const par = await api(`/api/documents/${hit.id}/parallel?with=${other.id}`);
  const page = await open(DESKTOP, `/?ui=en&view=par&doc=${hit.id}&with=${other.id}`);
  const heads = await page.$$eval('#par thead th', ths => ths.map(th => th.textContent));
  assert.deepEqual(heads.slice(0, 2), [par.source.lang === 'en' ? 'English' : 'Chinese (Simplified)',
                                       par.target.lang === 'en' ? 'English' : 'Chinese (Simplified)']);
  const row = par.rows.findIndex(r => r.source.length && r.target.length);
  await page.hover(`#par .s[data-row="${row}"][data-side="s"]`);
  const hl = await page.$$eval('#par .s.hl', es => es.map(e => e.dataset.row + e.dataset.side));
  assert.deepEqual(hl, par.rows[row].target.map(() => row + 't'));
  assert.equal(await page.$eval(`#par .s[data-row="${row}"][data-side="s"]`, e => e.lang), par.source.lang);
  await shot(page, 'desktop-side-by-side-hover');
  // Keyboard: the first sentence is the tab stop; arrows move, the counterpart follows focus.
  await page.focus('#par .s[tabindex="0"]');
  await page.keyboard.press('ArrowRight');
  const f = await page.evaluate(() => ({row: document.activeElement.dataset.row, side: document.activeElement.dataset.side}));
  assert.equal(f.side, 't');
  const srcOfRow = await page.$$eval('#par .s.hl', es => es.map(e => e.dataset.side));
  assert.ok(srcOfRow.length > 0 && srcOfRow.every(s => s === 's'), 'focusing a target highlights its source');
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.evaluate(r => +document.activeElement.dataset.row > r, +f.row), 'ArrowDown moves to a later row');
  // Low confidence plainly marked with its figure.
  const lows = par.rows.map((r, i) => [r, i]).filter(([r]) => r.confidence < 0.5);
  for (const [r, i] of lows)
    assert.match(await page.textContent(`#par tr[data-row="${i}"] .lowtag`), new RegExp('low confidence ' + Math.round(r.confidence * 100) + '%'));
  assert.equal(await page.$$eval('#par .lowtag', e => e.length), lows.length);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-k="tmx"]')]);
  assert.equal(download.suggestedFilename(), `${par.source.id}_${par.target.id}.tmx`);
  await page.context().close();
});

test('document view: the query marked, the matching paragraph scrolled into view, links to versions', async () => {
  // A hit whose snippet comes from far down its document.
  let pick = null;
  for (const q of ['governance', 'standards', 'innovation', '合作', '数据']) {
    const r = await api('/api/search?size=20&q=' + encodeURIComponent(q));
    pick = r.hits.find(h => h.paragraph >= 4);
    if (pick) { pick.q = q; break; }
  }
  assert.ok(pick, 'a hit whose snippet is from paragraph 4 or later');
  const page = await open(DESKTOP);
  await search(page, pick.q);
  while (!(await page.$(`#results .hit a[data-doc="${pick.id}"]`))) {
    await page.click('nav.pager a[aria-label="Next"]');
    await idle(page);
  }
  await page.click(`#results .hit a[data-doc="${pick.id}"]`);
  await idle(page);
  const mark = `#results [data-para="${pick.paragraph}"] mark`;
  assert.ok(await page.$(mark), 'the matching paragraph has a mark');
  const inView = await page.$eval(mark, m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
  assert.ok(inView, 'the match is scrolled into view');
  assert.ok(await page.evaluate(() => scrollY > 0));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'doc-h');
  const doc = await api('/api/documents/' + pick.id);
  assert.equal(await page.$$eval('.versions li', l => l.length), doc.translations.length);
  assert.equal(await page.$eval('#doc-h', h => h.lang), doc.lang);
  await shot(page, 'desktop-document-marked');
  await page.context().close();
});

test('concordance: term in context, likely translation in a second colour, lang on cells, TMX name', async () => {
  const page = await open(DESKTOP, '/?ui=en&tab=conc');
  assert.equal(await page.getAttribute('#tab-conc', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('#panel', 'aria-labelledby'), 'tab-conc');
  await search(page, '知识产权');
  const want = await api('/api/concordance?q=' + encodeURIComponent('知识产权'));
  assert.match(await status(page), new RegExp('^' + want.total + ' sentences in ' + want.documents + ' documents'));
  const cells = await page.$$eval('table.conc tbody tr', rs => rs.map(r => [...r.querySelectorAll('td > div[lang]')].map(d => d.lang)));
  assert.deepEqual(cells, want.lines.map(l => [l.lang, l.aligned.lang]));
  const colours = await page.evaluate(() => {
    const a = document.querySelector('table.conc td:first-child mark'), b = document.querySelector('table.conc td.aligned mark');
    return [getComputedStyle(a).backgroundColor, b && getComputedStyle(b).backgroundColor];
  });
  assert.ok(colours[1] && colours[0] !== colours[1], 'the likely translation has its own colour: ' + colours);
  await shot(page, 'desktop-concordance');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-k="tmx"]')]);
  assert.equal(download.suggestedFilename(), 'concordance_知识产权.tmx');
  // Keyboard: arrow keys move between the tabs.
  await page.focus('#tab-conc');
  await page.keyboard.press('ArrowLeft');
  await idle(page);
  assert.equal(await page.getAttribute('#tab-search', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-search');
  await page.context().close();
});

test('accessibility: label, skip link, live region, role=alert, lang, axe-core without serious violations', async () => {
  const page = await open(DESKTOP, '/?ui=en', {bypassCSP: true});
  assert.equal(await page.evaluate(() => document.querySelector('#q').labels[0].textContent), 'Search the proceedings');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip');
  const before = page.url();
  await page.keyboard.press('Enter');
  // Focus lands on the results' heading at once and stays there: no re-render, no fragment in the URL.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-h');
  await idle(page);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-h');
  assert.equal(page.url(), before);
  assert.equal(await page.getAttribute('#status', 'role'), 'status');
  assert.equal(await page.$$eval('[role=tab]', ts => ts.length), 2);
  await page.addScriptTag({path: axeSource});
  const check = async where => {
    const r = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
    const bad = r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')), [], 'axe on ' + where);
  };
  await search(page, '人工智能');
  await check('search results');
  const hit = (await api('/api/search?q=governance&size=20')).hits.find(h => h.translation_group);
  await page.click('#ui-lang');
  await idle(page);
  await check('search results, Chinese interface');
  await page.goto(BASE + `/?ui=en&view=doc&doc=${hit.id}&q=governance`);
  await idle(page);
  await page.addScriptTag({path: axeSource});
  await check('document view');
  await page.click('#results a[data-par]');
  await idle(page);
  await check('side by side');
  await page.goto(BASE + '/?ui=en&tab=conc&q=' + encodeURIComponent('open science'));
  await idle(page);
  await page.addScriptTag({path: axeSource});
  await check('concordance');
  // Errors are announced.
  await page.route(u => u.pathname === '/api/search', r => r.fulfill({status: 500, contentType: 'application/json',
    body: JSON.stringify({error: {code: 'internal', message: 'disk on fire'}})}));
  await page.click('#tab-search');
  await idle(page);
  assert.match(await page.textContent('[role=alert]'), /disk on fire/);
  await shot(page, 'desktop-error');
  await page.context().close();
});

for (const vp of [PHONE, {width: 360, height: 740}]) {
  test(`phone ${vp.width}px: filters behind a button, results full width, taps land, side by side stacked`, async () => {
    const page = await open(vp, '/?ui=en', {hasTouch: true, isMobile: true});
    const tag = 'phone' + vp.width;
    await search(page, 'innovation');
    assert.equal(await page.isVisible('#facets'), false, 'facets hidden behind a button');
    const width = await page.$eval('#results .hit', h => h.getBoundingClientRect().width);
    assert.ok(width >= vp.width * 0.9, 'results take the width: ' + width);
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), 'no sideways scrolling');
    await shot(page, tag + '-results');
    await page.tap('#filters-toggle');
    assert.ok(await page.isVisible('#facets'));
    assert.equal(await page.getAttribute('#filters-toggle', 'aria-expanded'), 'true');
    await shot(page, tag + '-filters-open');
    await page.tap('#filters-toggle');
    // Taps land on what they aim at: "next" and a title.
    await page.locator('nav.pager a[aria-label="Next"]').scrollIntoViewIfNeeded();
    await page.tap('nav.pager a[aria-label="Next"]');
    await idle(page);
    assert.equal(query(page).get('page'), '2');
    const first = (await hitIds(page))[0];
    await page.tap(`#results .hit a[data-doc="${first}"]`);
    await idle(page);
    assert.equal(query(page).get('doc'), first);
    await shot(page, tag + '-document');
    const hit = (await api('/api/search?q=governance&size=20')).hits.find(h => h.translation_group);
    await page.goto(BASE + `/?ui=en&view=doc&doc=${hit.id}`);
    await idle(page);
    await page.tap('#results a[data-par]');
    await idle(page);
    const [s, t] = await page.$$eval('#par tbody tr:first-child td', tds => tds.slice(0, 2).map(td => td.getBoundingClientRect()));
    assert.ok(t.top >= s.bottom - 1 && Math.abs(t.left - s.left) < 2, 'source above target');
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), 'no sideways scrolling');
    await shot(page, tag + '-side-by-side');
    await page.context().close();
  });
}

// ---------------------------------------------------------------------------------------------
let failed = 0;
for (const c of cases) {
  try {
    await c.fn();
    console.log('ok   ' + c.name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + c.name + '\n     ' + (e && e.stack ? e.stack : e).toString().split('\n').slice(0, 6).join('\n     '));
  }
}
await browser.close();
console.log(`${cases.length - failed} of ${cases.length} browser tests passed; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
