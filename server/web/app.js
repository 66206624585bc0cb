// Tongwen web page: search with facets, document view, side-by-side versions, bilingual
// concordance. Plain JavaScript, no build step. The whole state lives in the URL (parse_state /
// state_url); every render starts from it, so a reload, a copied link and Back/Forward show the
// same thing. One request generation at a time: a newer render aborts the older one's requests
// and an answer that arrives for an older generation is dropped.
'use strict';

const FACETS = ['speaker', 'topic', 'event', 'year', 'lang', 'type'];
const PAGE_SIZE = 10, CONC_SIZE = 20, FACET_SHOWN = 10;

const T = {
  en: {
    title: 'Tongwen — forum proceedings', skip: 'Skip to results', tabs: 'Views', tab_search: 'Search',
    tab_conc: 'Bilingual concordance', switch_to: '中文', switch_label: '切换到中文界面',
    q_label: 'Search the proceedings', q_label_conc: 'Term to look up (Chinese or English)',
    hint: 'Syntax: <code>"exact phrase"</code> <code>a OR b</code> <code>-word</code> <code>speaker:Wang</code> <code>date:2019..2023</code> <code>innovat*</code>',
    go: 'Search', sort: 'Sort', relevance: 'Relevance', date: 'Newest first', 'date-asc': 'Oldest first',
    clang: 'Term language', clang_auto: 'Automatic', expand: 'Also search the other language (一带一路 ⇄ Belt and Road)',
    filters: 'Filters', filters_n: 'Filters ({n})', speaker: 'Speaker', topic: 'Topic', event: 'Event',
    year: 'Year', lang: 'Language', type: 'Type', more: 'Show all', fewer: 'Show fewer',
    filter_in: 'Filter {field} values', clear_all: 'Clear all filters', remove: 'Remove filter {f}',
    active: 'Active filters', busy: 'Searching…', error: 'The search failed: {m}', net: 'the server did not answer',
    docs: {one: '{n} document', other: '{n} documents'},
    docs_q: {one: '{n} document for “{q}”', other: '{n} documents for “{q}”'},
    sents: {one: '{n} sentence', other: '{n} sentences'},
    in_docs: {one: 'in {n} document', other: 'in {n} documents'},
    page_of: 'page {p} of {n}',
    none: 'No documents match “{q}”.', none_all: 'No documents match.', none_filters: 'Active filters:',
    none_remove: 'Remove all filters and search again', none_hint: 'Try fewer words, another spelling, or the other language.',
    pages: 'Pages', prev: 'Previous', next: 'Next', page_n: 'Page {p}',
    results: 'Results', by: 'Speakers', back: '‹ Back to the results', doc_meta: 'About this document',
    speakers: 'Speakers', session: 'Session', date_l: 'Date', topics: 'Topics', versions: 'Other versions',
    side: 'side by side', matches: {one: '{n} match of the query marked', other: '{n} matches of the query marked'},
    par_title: 'Side by side', aligned_by: 'Aligned by {m}. Hover or focus a sentence to highlight its counterpart; arrow keys move between sentences.',
    link: 'Link', confidence: 'confidence {c}%', low: 'low confidence', tmx: 'Download TMX ({f})',
    back_doc: '‹ Back to the document', rows: {one: '{n} aligned row', other: '{n} aligned rows'},
    conc_term: 'Term in context', conc_aligned: 'Aligned sentence', likely: 'Likely translation:',
    from_src: {glossary: 'from the glossary', 'co-occurrence': 'learned from aligned texts'},
    conc_none: 'No sentence contains “{q}”.', conc_prompt: 'Type a term to see it in context beside its translation.',
    tmx_conc: 'Export these lines as TMX', open_doc: 'open the document',
    v: {lang: {'zh-Hans': 'Chinese (Simplified)', 'zh-Hant': 'Chinese (Traditional)', zh: 'Chinese', en: 'English', other: 'Other'},
        type: {speech: 'Speech', policy: 'Policy paper', transcript: 'Transcript', panel: 'Panel', paper: 'Paper', report: 'Report'}},
  },
  zh: {
    title: '同文 — 论坛文献库', skip: '跳到结果', tabs: '视图', tab_search: '检索', tab_conc: '双语语境',
    switch_to: 'English', switch_label: 'Switch to the English interface',
    q_label: '检索论坛文献', q_label_conc: '要查的词语（中文或英文）',
    hint: '语法：<code>"精确短语"</code> <code>a OR b</code> <code>-排除</code> <code>speaker:王</code> <code>date:2019..2023</code> <code>innovat*</code>',
    go: '检索', sort: '排序', relevance: '相关度', date: '最新在前', 'date-asc': '最早在前',
    clang: '词语语言', clang_auto: '自动', expand: '同时检索另一种语言（一带一路 ⇄ Belt and Road）',
    filters: '筛选', filters_n: '筛选（{n}）', speaker: '发言人', topic: '主题', event: '会议', year: '年份',
    lang: '语言', type: '类型', more: '显示全部', fewer: '收起', filter_in: '筛选{field}',
    clear_all: '清除全部筛选', remove: '移除筛选：{f}', active: '当前筛选', busy: '正在检索…',
    error: '检索失败：{m}', net: '服务器没有响应',
    docs: {other: '共 {n} 篇文档'}, docs_q: {other: '“{q}”共 {n} 篇文档'},
    sents: {other: '{n} 个句子'}, in_docs: {other: '出自 {n} 篇文档'}, page_of: '第 {p} 页，共 {n} 页',
    none: '没有文档符合“{q}”。', none_all: '没有符合条件的文档。', none_filters: '当前筛选：',
    none_remove: '移除全部筛选并重新检索', none_hint: '可以减少词语、换一种写法，或用另一种语言检索。',
    pages: '分页', prev: '上一页', next: '下一页', page_n: '第 {p} 页',
    results: '检索结果', by: '发言人', back: '‹ 返回检索结果', doc_meta: '文档信息', speakers: '发言人',
    session: '分会', date_l: '日期', topics: '主题', versions: '其他版本', side: '对照阅读',
    matches: {other: '已标出 {n} 处匹配'}, par_title: '对照阅读',
    aligned_by: '对齐方式：{m}。鼠标悬停或聚焦某个句子会突出显示它的对应句；方向键可在句子之间移动。',
    link: '对应', confidence: '置信度 {c}%', low: '置信度低', tmx: '下载 TMX（{f}）', back_doc: '‹ 返回文档',
    rows: {other: '{n} 组对齐'}, conc_term: '原文语境', conc_aligned: '对应译文', likely: '可能的译法：',
    from_src: {glossary: '来自术语表', 'co-occurrence': '从对齐文本中学得'},
    conc_none: '没有句子包含“{q}”。', conc_prompt: '输入一个词语，查看它的语境和对应译文。',
    tmx_conc: '将这些句对导出为 TMX', open_doc: '打开文档',
    v: {lang: {'zh-Hans': '简体中文', 'zh-Hant': '繁体中文', zh: '中文', en: '英文', other: '其他'},
        type: {speech: '演讲', policy: '政策文件', transcript: '会议实录', panel: '圆桌讨论', paper: '论文', report: '报告'}},
  },
};

const $ = s => document.querySelector(s);
let ui = 'en';          // interface language: 'en' | 'zh'
let state = null;       // the parsed URL
let gen = 0;            // request generation
let ctrl = null;        // AbortController of the current generation
const fullFacets = {};  // field -> full value list for the current query (show more / filter box)
const facetOpen = {};   // field -> true when "show all" is on
const facetText = {};   // field -> text of the filter box
let lastFacets = {};    // field -> values of the last answer

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
function fmt(s, p) { return String(s).replace(/\{(\w+)\}/g, (_, k) => p && k in p ? p[k] : ''); }
function t(key, p) {
  const v = T[ui][key] ?? T.en[key];
  if (v && typeof v === 'object' && 'other' in v) {
    const cat = new Intl.PluralRules(ui === 'zh' ? 'zh' : 'en').select(p && typeof p.n === 'number' ? p.n : 0);
    return fmt(v[cat] ?? v.other, p && {...p, n: (p.n ?? 0).toLocaleString(ui === 'zh' ? 'zh-CN' : 'en')});
  }
  return fmt(v ?? key, p);
}
function uiLang() { return ui === 'zh' ? 'zh-Hans' : 'en'; }
// The language of a piece of text from its letters: Han -> zh, else en.
function langOf(s) { return /\p{Script=Han}/u.test(s || '') ? 'zh' : 'en'; }
function lattr(s) { return ' lang="' + langOf(s) + '"'; }
function valueLabel(field, v) {
  const m = T[ui].v[field];
  return m && m[v] ? m[v] : v;
}
function valueLabelLang(field, v) { return T[ui].v[field] && T[ui].v[field][v] ? uiLang() : langOf(v); }

// ---- URL state ---------------------------------------------------------------------------
function parse_state(search) {
  const u = new URLSearchParams(search);
  const s = {
    tab: u.get('tab') === 'conc' ? 'conc' : 'search',
    view: ['doc', 'par'].includes(u.get('view')) ? u.get('view') : 'list',
    q: u.get('q') || '', sort: u.get('sort') || 'relevance', expand: u.get('expand') === '1',
    page: Math.max(1, parseInt(u.get('page') || '1', 10) || 1), clang: u.get('clang') || '',
    doc: u.get('doc') || '', with: u.get('with') || '', hl: u.getAll('hl'), para: u.get('p'),
    ui: u.get('ui') || '', filters: {},
  };
  for (const f of FACETS) { const v = u.getAll(f).filter(Boolean); if (v.length) s.filters[f] = v; }
  if (!['relevance', 'date', 'date-asc'].includes(s.sort)) s.sort = 'relevance';
  return s;
}
function state_url(s) {
  const u = new URLSearchParams();
  if (s.ui) u.set('ui', s.ui);
  if (s.tab === 'conc') u.set('tab', 'conc');
  if (s.q) u.set('q', s.q);
  for (const f of FACETS) for (const v of s.filters[f] || []) u.append(f, v);
  if (s.tab === 'search' && s.sort !== 'relevance') u.set('sort', s.sort);
  if (s.tab === 'search' && s.expand) u.set('expand', '1');
  if (s.tab === 'conc' && s.clang) u.set('clang', s.clang);
  if (s.page > 1) u.set('page', String(s.page));
  if (s.view !== 'list') {
    u.set('view', s.view);
    u.set('doc', s.doc);
    if (s.view === 'par' && s.with) u.set('with', s.with);
    for (const h of s.hl || []) u.append('hl', h);
    if (s.view === 'doc' && s.para != null && s.para !== '') u.set('p', String(s.para));
  }
  const q = u.toString();
  return location.pathname + (q ? '?' + q : '');
}
function with_(patch) {
  const s = {...state, filters: {...state.filters}, ...patch};
  if (patch.filters) s.filters = patch.filters;
  return s;
}
// Navigate: a new history entry (Back returns) unless replace; then render from the URL.
function go(s, opts = {}) {
  const url = state_url(s);
  if (opts.replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render(opts);
}
function api_params(s, withPage) {
  const p = new URLSearchParams();
  p.set('q', s.q);
  for (const f of FACETS) for (const v of s.filters[f] || []) if (!(s.tab === 'conc' && f === 'lang')) p.append(f, v);
  if (s.tab === 'search') {
    if (s.sort !== 'relevance') p.set('sort', s.sort);
    if (s.expand) p.set('expand', '1');
    p.set('ui', ui);  // entity facets (speaker, topic, event) named in the page's language
  } else if (s.clang) {
    p.set('lang', s.clang);
  }
  if (withPage) {
    p.set('page', String(s.page));
    p.set('size', String(s.tab === 'conc' ? CONC_SIZE : PAGE_SIZE));
  }
  return p;
}
function filterCount(s) { return Object.values(s.filters).reduce((a, v) => a + v.length, 0); }

// ---- requests ------------------------------------------------------------------------------
class Stale extends Error {}
async function fetchJson(url, my) {
  let r;
  try {
    r = await fetch(url, {signal: ctrl.signal});
  } catch (e) {
    if (my !== gen) throw new Stale();
    throw new Error(t('net'));
  }
  let j = null;
  try { j = await r.json(); } catch (e) { j = null; }
  if (my !== gen) throw new Stale();
  if (!r.ok) throw new Error(j && j.error ? j.error.message : r.status + ' ' + r.statusText);
  return j;
}
function setBusy(on) {
  $('#busy').hidden = !on;
  $('#busy-text').textContent = t('busy');
  $('#results').setAttribute('aria-busy', on ? 'true' : 'false');
}

// ---- focus kept where the user was ----------------------------------------------------------
function focusKey() {
  const a = document.activeElement;
  return a && a.dataset && a.dataset.k ? a.dataset.k : null;
}
function restoreFocus(key, fallback) {
  if (key) {
    const el = [...document.querySelectorAll('[data-k]')].find(e => e.dataset.k === key);
    if (el) { el.focus({preventScroll: true}); return; }
  }
  if (fallback) fallback.focus({preventScroll: true});
  // The focused control went away with the update (a removed chip): continue from the results.
  else if (document.activeElement === document.body && $('#results-h')) $('#results-h').focus({preventScroll: true});
}

// ---- the static parts ----------------------------------------------------------------------
function paintChrome() {
  document.documentElement.lang = uiLang();
  document.title = t('title');
  $('#skip').textContent = t('skip');
  $('#tabs').setAttribute('aria-label', t('tabs'));
  $('#tab-search').textContent = t('tab_search');
  $('#tab-conc').textContent = t('tab_conc');
  for (const [id, tab] of [['#tab-search', 'search'], ['#tab-conc', 'conc']]) {
    const on = state.tab === tab;
    $(id).setAttribute('aria-selected', on ? 'true' : 'false');
    $(id).tabIndex = on ? 0 : -1;
  }
  $('#panel').setAttribute('aria-labelledby', state.tab === 'conc' ? 'tab-conc' : 'tab-search');
  const sw = $('#ui-lang');
  sw.textContent = t('switch_to');
  sw.lang = ui === 'zh' ? 'en' : 'zh-Hans';
  sw.setAttribute('aria-label', t('switch_label'));
  $('#q-label').textContent = state.tab === 'conc' ? t('q_label_conc') : t('q_label');
  $('#hint').innerHTML = t('hint');
  $('#go').textContent = t('go');
  $('#sort-label').textContent = t('sort');
  for (const o of $('#sort').options) o.textContent = t(o.value);
  $('#clang-label').textContent = t('clang');
  $('#clang').options[0].textContent = t('clang_auto');
  $('#expand-label').textContent = t('expand');
  $('#sort-wrap').hidden = state.tab !== 'search';
  $('#expand-wrap').hidden = state.tab !== 'search';
  $('#clang-wrap').hidden = state.tab !== 'conc';
  const n = filterCount(state);
  $('#filters-toggle').textContent = n ? t('filters_n', {n}) : t('filters');
  $('#facets-h').textContent = t('filters');
  if (document.activeElement !== $('#q')) $('#q').value = state.q;
  $('#sort').value = state.sort;
  $('#clang').value = state.clang;
  $('#expand').checked = state.expand;
}

// ---- facets --------------------------------------------------------------------------------
function isSelected(f, v) { return (state.filters[f] || []).includes(v); }
function facetItem(f, v, label) {
  const k = 'f:' + f + ':' + v.value;
  return '<label><input type="checkbox" data-f="' + esc(f) + '" value="' + esc(v.value) + '" data-k="' + esc(k) + '"' +
    (isSelected(f, v.value) ? ' checked' : '') + '> <span' + (f === 'lang' || f === 'type' ? ' lang="' + valueLabelLang(f, v.value) + '"' : lattr(label)) +
    '>' + esc(label) + '</span> <span class="n">(' + v.count.toLocaleString() + ')</span></label>';
}
// Topics are paths (AI/Governance): a tree whose parents' counts already include their children
// (the index counts every ancestor of a topic).
function topicTree(values) {
  const root = {children: new Map()};
  const byValue = new Map(values.map(v => [v.value, v]));
  for (const v of values) {
    let node = root, path = '';
    for (const part of v.value.split('/')) {
      path = path ? path + '/' + part : part;
      if (!node.children.has(part)) node.children.set(part, {part, path, v: byValue.get(path) || null, children: new Map()});
      node = node.children.get(part);
    }
  }
  const html = node => {
    const kids = [...node.children.values()].sort((a, b) => (b.v ? b.v.count : 0) - (a.v ? a.v.count : 0));
    return '<ul>' + kids.map(c => '<li>' + (c.v ? facetItem('topic', c.v, c.part) : '<span' + lattr(c.part) + '>' + esc(c.part) + '</span>') +
      (c.children.size ? html(c) : '') + '</li>').join('') + '</ul>';
  };
  return html(root);
}
function norm(s) { return String(s).normalize('NFKC').toLowerCase(); }
function facetList(f) {
  let values = facetOpen[f] && fullFacets[f] ? fullFacets[f] : lastFacets[f] || [];
  const text = facetText[f] || '';
  if (text) values = (fullFacets[f] || values).filter(v => norm(v.value).includes(norm(text)) || norm(valueLabel(f, v.value)).includes(norm(text)));
  if (f === 'topic') return topicTree(values);
  return '<ul>' + values.map(v => '<li>' + facetItem(f, v, valueLabel(f, v.value)) + '</li>').join('') + '</ul>';
}
function facetBlock(f) {
  const values = lastFacets[f] || [];
  if (!values.length && !(state.filters[f] || []).length) return '';
  const long = values.length >= FACET_SHOWN || (fullFacets[f] && fullFacets[f].length > FACET_SHOWN);
  let h = '<fieldset data-field="' + f + '"><legend>' + esc(t(f)) + '</legend>';
  if (long && f !== 'year' && f !== 'lang' && f !== 'type')
    h += '<input type="search" class="ffilter" data-ff="' + f + '" data-k="ff:' + f + '" aria-label="' + esc(t('filter_in', {field: t(f)})) +
      '" placeholder="' + esc(t('filter_in', {field: t(f)})) + '" value="' + esc(facetText[f] || '') + '">';
  h += '<div class="fl">' + facetList(f) + '</div>';
  if (long && !facetText[f])
    h += '<button type="button" class="more" data-more="' + f + '" data-k="more:' + f + '" aria-expanded="' + (facetOpen[f] ? 'true' : 'false') + '">' +
      esc(facetOpen[f] ? t('fewer') : t('more')) + '</button>';
  return h + '</fieldset>';
}
function paintFacets(facets) {
  lastFacets = facets || {};
  $('#facet-body').innerHTML = FACETS.map(facetBlock).join('');
}
// The whole list of a facet's values over the current query, through /api/facets/{field}.
async function loadFullFacet(f) {
  if (fullFacets[f]) return fullFacets[f];
  const p = api_params(state, false);
  p.set('limit', '10000');
  const my = gen;
  const j = await fetchJson('/api/facets/' + encodeURIComponent(f) + '?' + p, my);
  fullFacets[f] = j.values;
  return j.values;
}
function chipsHtml() {
  const items = [];
  for (const f of FACETS) for (const v of state.filters[f] || []) {
    const label = t(f) + ': ' + valueLabel(f, v);
    items.push('<li><button type="button" class="chip" data-chip="' + f + '" data-v="' + esc(v) + '" data-k="chip:' + esc(f + ':' + v) +
      '" aria-label="' + esc(t('remove', {f: label})) + '">' + esc(t(f)) + ': <span' + (T[ui].v[f] && T[ui].v[f][v] ? '' : lattr(v)) + '>' +
      esc(valueLabel(f, v)) + '</span><span class="x" aria-hidden="true">×</span></button></li>');
  }
  if (!items.length) return '';
  return '<ul class="chips" aria-label="' + esc(t('active')) + '">' + items.join('') +
    '<li><button type="button" class="clear" data-clear="1" data-k="clear">' + esc(t('clear_all')) + '</button></li></ul>';
}

// ---- search results ------------------------------------------------------------------------
function markedTerms(html) {
  const out = [];
  const re = /<mark>(.*?)<\/mark>/g;
  let m;
  while ((m = re.exec(html || ''))) {
    const d = document.createElement('textarea');
    d.innerHTML = m[1];
    if (d.value && !out.includes(d.value)) out.push(d.value);
  }
  return out;
}
function docHref(id, extra) {
  return state_url(with_({view: 'doc', doc: id, with: '', hl: extra.hl || [], para: extra.para ?? null}));
}
function pagerHtml(total, size) {
  const pages = Math.ceil(total / size);
  if (pages <= 1) return '';
  const cur = Math.min(state.page, pages);
  const link = (p, label, aria) => '<li><a href="' + esc(state_url(with_({page: p}))) + '" data-page="' + p + '" data-k="page:' + label + '"' +
    (aria ? ' aria-label="' + esc(aria) + '"' : '') + (p === cur && !aria ? ' aria-current="page"' : '') + '>' + esc(label) + '</a></li>';
  let h = '<nav class="pager" aria-label="' + esc(t('pages')) + '"><ul>';
  if (cur > 1) h += link(cur - 1, '‹', t('prev'));
  const shown = new Set([1, pages, cur - 1, cur, cur + 1].filter(p => p >= 1 && p <= pages));
  let last = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p - last > 1) h += '<li><span class="gap" aria-hidden="true">…</span></li>';
    h += link(p, String(p), p === cur ? '' : t('page_n', {p}));
    last = p;
  }
  if (cur < pages) h += link(cur + 1, '›', t('next'));
  return h + '</ul></nav>';
}
function emptyHtml(msg) {
  let h = '<div class="empty"><p>' + msg + '</p>';
  if (filterCount(state)) {
    h += '<p>' + esc(t('none_filters')) + ' ' + FACETS.flatMap(f => (state.filters[f] || []).map(v => esc(t(f) + ': ' + valueLabel(f, v)))).join(', ') + '</p>' +
      '<p><button type="button" class="btn" data-clear="1" data-k="clear-empty">' + esc(t('none_remove')) + '</button></p>';
  } else {
    h += '<p>' + esc(t('none_hint')) + '</p>';
  }
  return h + '</div>';
}
// A speaker's name as written, then its entity's names in the other languages (authority records).
function speakerLabel(name, names) {
  const others = Object.values(names || {}).filter((n, i, a) => n !== name && a.indexOf(n) === i);
  return '<span' + lattr(name) + '>' + esc(name) + '</span>' +
    others.map(n => ' <span class="alt"' + lattr(n) + '>/ ' + esc(n) + '</span>').join('');
}
function hitHtml(x) {
  const hl = markedTerms(x.snippet).concat(markedTerms(x.title_html).filter(v => !markedTerms(x.snippet).includes(v)));
  const meta = [];
  if (x.speakers && x.speakers.length) meta.push(x.speakers.map((s, i) => speakerLabel(s, (x.speaker_names || [])[i])).join(', '));
  if (x.event) meta.push('<span' + lattr(x.event) + '>' + esc(x.event) + '</span>');
  if (x.date) meta.push('<time datetime="' + esc(x.date) + '">' + esc(x.date) + '</time>');
  return '<article class="hit" lang="' + esc(x.lang || langOf(x.title)) + '"><h3><a href="' + esc(docHref(x.id, {hl, para: x.paragraph})) +
    '" data-doc="' + esc(x.id) + '" data-k="hit:' + esc(x.id) + '">' + x.title_html + '</a></h3>' +
    '<div class="meta"><span class="badge" lang="' + uiLang() + '">' + esc(valueLabel('lang', x.lang)) + '</span>' +
    (x.type ? '<span class="badge" lang="' + valueLabelLang('type', x.type) + '">' + esc(valueLabel('type', x.type)) + '</span>' : '') +
    meta.join(' · ') + '</div><p>' + x.snippet + '</p></article>';
}
async function renderSearch(my, opts) {
  if (!state.q && !filterCount(state) && state.tab === 'conc') {
    $('#results').innerHTML = '<p>' + esc(t('conc_prompt')) + '</p>';
    $('#status').textContent = '';
    paintFacets({});
    return;
  }
  const api = state.tab === 'conc' ? '/api/concordance?' : '/api/search?';
  const j = await fetchJson(api + api_params(state, true), my);
  if (state.tab === 'conc') return paintConcordance(j, opts);
  const q = state.q;
  $('#status').textContent = q ? t('docs_q', {n: j.total, q}) : t('docs', {n: j.total});
  let h = '<h2 class="vh" id="results-h" tabindex="-1">' + esc(t('results')) + '</h2>';
  if (j.expansions && j.expansions.length)
    h += '<p class="exp">⇄ ' + j.expansions.map(e => '<span' + lattr(e.from) + '>' + esc(e.from) + '</span> → <span' + lattr(e.to) + '>' + esc(e.to) + '</span>').join(', ') + '</p>';
  if (!j.total) h += emptyHtml(q ? esc(t('none', {q})) : esc(t('none_all')));
  for (const x of j.hits) h += hitHtml(x);
  h += pagerHtml(j.total, j.size || PAGE_SIZE);
  $('#results').innerHTML = h;
  paintFacets(j.facets);
}
function paintConcordance(j, opts) {
  const q = state.q;
  $('#status').textContent = t('sents', {n: j.total}) + ' ' + t('in_docs', {n: j.documents});
  const tmx = api_params(state, false);
  const tmxName = 'concordance_' + q.replace(/\s+/g, '_') + '.tmx';
  let h = '<h2 class="vh" id="results-h" tabindex="-1">' + esc(t('results')) + '</h2>';
  if (j.total)
    h += '<p><a href="/api/export/tmx?' + esc(tmx.toString()) + '" download="' + esc(tmxName) + '" data-k="tmx">' + esc(t('tmx_conc')) + '</a></p>';
  if (j.translations && j.translations.length)
    h += '<p class="tr">' + esc(t('likely')) + ' ' + j.translations.map(x => '<span class="term"' + lattr(x.term) + ' title="' +
      esc((T[ui].from_src[x.source] || x.source) + ' · ' + t('sents', {n: x.lines})) + '">' + esc(x.term) + '</span>').join('') + '</p>';
  if (!j.total) {
    h += emptyHtml(esc(t('conc_none', {q})));
  } else {
    h += '<table class="par conc"><thead><tr><th scope="col">' + esc(t('conc_term')) + '</th><th scope="col">' + esc(t('conc_aligned')) + '</th></tr></thead><tbody>';
    for (const l of j.lines) {
      const hl = markedTerms(l.sentence.html);
      h += '<tr><td data-label="' + esc(t('conc_term')) + '"><div lang="' + esc(l.lang) + '">' + l.sentence.html + '</div><div class="meta"><a href="' +
        esc(docHref(l.id, {hl})) + '" data-doc="' + esc(l.id) + '"' + lattr(l.title) + '>' + esc(l.title) + '</a> ' + esc(l.date) + '</div></td>' +
        '<td class="aligned" data-label="' + esc(t('conc_aligned')) + '"><div lang="' + esc(l.aligned.lang) + '">' + l.aligned.html + '</div><div class="meta">' +
        esc(l.type) + ' · ' + esc(t('confidence', {c: Math.round(l.confidence * 100)})) + (l.confidence < 0.5 ? ' <span class="lowtag">' + esc(t('low')) + '</span>' : '') +
        '</div></td></tr>';
    }
    h += '</tbody></table>';
  }
  h += pagerHtml(j.total, j.size || CONC_SIZE);
  $('#results').innerHTML = h;
  paintFacets(j.facets);
}

// ---- document view -------------------------------------------------------------------------
function escRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
// What to mark in a document: the forms the server marked in the snippet (hl: exact, also
// Traditional forms of a Simplified query) and the query's own words (English by their stem).
function markPattern() {
  const terms = new Set(state.hl || []);
  const q = state.q.replace(/\b(AND|OR|NOT)\b/g, ' ').replace(/\b\w+:/g, ' ').replace(/["“”「」()（）+*\-]/g, ' ');
  for (const w of q.split(/\s+/)) if (w.length > 1 || /\p{Script=Han}/u.test(w)) terms.add(w);
  const parts = [];
  for (const w of terms) {
    if (/^[A-Za-z]+$/.test(w) && w.length >= 4) parts.push('\\b' + escRe(w.replace(/(ions?|ive|ing|ed|es|s|e)$/i, '')) + '\\w*');
    else if (w.trim()) parts.push(escRe(w));
  }
  if (!parts.length) return null;
  parts.sort((a, b) => b.length - a.length);
  return new RegExp('(' + parts.join('|') + ')', 'giu');
}
function marked(text, re) {
  if (!re) return esc(text);
  let out = '', last = 0, m;
  re.lastIndex = 0;
  while ((m = re.exec(text))) {
    if (!m[0]) { re.lastIndex++; continue; }
    out += esc(text.slice(last, m.index)) + '<mark>' + esc(m[0]) + '</mark>';
    last = m.index + m[0].length;
  }
  return out + esc(text.slice(last));
}
function backHref() { return state_url(with_({view: 'list', doc: '', with: '', hl: [], para: null})); }
async function renderDoc(my) {
  const d = await fetchJson('/api/documents/' + encodeURIComponent(state.doc), my);
  const re = markPattern();
  const L = ' lang="' + esc(d.lang) + '"';
  let h = '<div class="doc"><a class="backlink" href="' + esc(backHref()) + '" data-back="1" data-k="back">' + esc(t('back')) + '</a>' +
    '<h2 id="doc-h" tabindex="-1"' + L + '>' + esc(d.title) + '</h2>';
  h += '<dl aria-label="' + esc(t('doc_meta')) + '">';
  const sp = (d.speakers || []).map((s, i) => speakerLabel(s.name, (d.speaker_names || [])[i]) + (s.affiliation ? ' <span' + lattr(s.affiliation) + '>(' + esc(s.affiliation) + ')</span>' : ''));
  if (sp.length) h += '<dt>' + esc(t('speakers')) + '</dt><dd>' + sp.join('; ') + '</dd>';
  if (d.event) h += '<dt>' + esc(t('event')) + '</dt><dd' + lattr(d.event) + '>' + esc(d.event) + '</dd>';
  if (d.session) h += '<dt>' + esc(t('session')) + '</dt><dd' + lattr(d.session) + '>' + esc(d.session) + '</dd>';
  if (d.date) h += '<dt>' + esc(t('date_l')) + '</dt><dd><time datetime="' + esc(d.date) + '">' + esc(d.date) + '</time></dd>';
  h += '<dt>' + esc(t('lang')) + '</dt><dd>' + esc(valueLabel('lang', d.lang)) + '</dd>';
  if (d.type) h += '<dt>' + esc(t('type')) + '</dt><dd lang="' + valueLabelLang('type', d.type) + '">' + esc(valueLabel('type', d.type)) + '</dd>';
  if (d.topics && d.topics.length) h += '<dt>' + esc(t('topics')) + '</dt><dd>' + d.topics.map(x => '<span' + lattr(x) + '>' + esc(x.replace(/\//g, ' › ')) + '</span>').join(', ') + '</dd>';
  if (d.translations && d.translations.length) {
    h += '<dt>' + esc(t('versions')) + '</dt><dd><ul class="versions">' + d.translations.map(x =>
      '<li><a href="' + esc(state_url(with_({view: 'doc', doc: x.id, hl: [], para: null}))) + '" data-doc="' + esc(x.id) + '"><span lang="' + esc(x.lang) + '">' + esc(x.title) +
      '</span></a> <span class="badge">' + esc(valueLabel('lang', x.lang)) + '</span> · <a href="' +
      esc(state_url(with_({view: 'par', doc: d.id, with: x.id, hl: [], para: null}))) + '" data-par="' + esc(x.id) + '" data-k="par:' + esc(x.id) + '">' + esc(t('side')) + '</a></li>').join('') + '</ul></dd>';
  }
  h += '</dl>';
  if (d.description) h += '<p' + lattr(d.description) + '><em>' + esc(d.description) + '</em></p>';
  (d.paragraphs || []).forEach((p, i) => {
    const pl = ' lang="' + esc(p.lang || d.lang) + '"';
    if (p.kind === 'heading') { h += '<h3 data-para="' + i + '"' + pl + '>' + marked(p.text, re) + '</h3>'; return; }
    h += '<p class="para" data-para="' + i + '"' + pl + '>' + (p.speaker ? '<span class="spk"' + lattr(p.speaker) + '>' + esc(p.speaker) + ':</span> ' : '') + marked(p.text, re) + '</p>';
  });
  $('#results').innerHTML = h + '</div>';
  const n = $('#results').querySelectorAll('mark').length;
  $('#status').textContent = n ? t('matches', {n}) : '';
  paintFacets({});
}
async function renderPar(my) {
  const v = await fetchJson('/api/documents/' + encodeURIComponent(state.doc) + '/parallel?with=' + encodeURIComponent(state.with), my);
  const sl = v.source.lang, tl = v.target.lang;
  const file = v.source.id + '_' + v.target.id + '.tmx';
  let h = '<div class="doc"><a class="backlink" href="' + esc(state_url(with_({view: 'doc', with: ''}))) + '" data-k="back">' + esc(t('back_doc')) + '</a>' +
    '<h2 id="doc-h" tabindex="-1">' + esc(t('par_title')) + ': <span lang="' + esc(sl) + '">' + esc(v.source.title) + '</span> ⇄ <span lang="' + esc(tl) + '">' + esc(v.target.title) + '</span></h2>' +
    '<p class="meta">' + esc(t('aligned_by', {m: v.method})) + '</p>' +
    '<p><a href="/api/export/tmx?doc=' + encodeURIComponent(v.source.id) + '&amp;with=' + encodeURIComponent(v.target.id) + '" download="' + esc(file) + '" data-k="tmx">' +
    esc(t('tmx', {f: file})) + '</a></p>';
  const sh = valueLabel('lang', sl), th = valueLabel('lang', tl);
  h += '<table class="par" id="par"><thead><tr><th scope="col">' + esc(sh) + '</th><th scope="col">' + esc(th) + '</th><th scope="col" class="c">' + esc(t('link')) + '</th></tr></thead><tbody>';
  let first = true;
  v.rows.forEach((row, i) => {
    const low = row.confidence < 0.5;
    const cell = (side, lang, list) => list.map((s, j) => {
      const tab = first ? 0 : -1;
      first = false;
      return '<span class="s" tabindex="' + tab + '" data-row="' + i + '" data-side="' + side + '" data-j="' + j + '" lang="' + esc(lang) + '">' + esc(s) + '</span>';
    }).join(' ');
    h += '<tr data-row="' + i + '"' + (low ? ' class="low"' : '') + '><td data-label="' + esc(sh) + '">' + cell('s', sl, row.source) + '</td><td data-label="' + esc(th) + '">' + cell('t', tl, row.target) +
      '</td><td class="c" data-label="' + esc(t('link')) + '">' + esc(row.type) + '<br>' + (low ? '<span class="lowtag">' + esc(t('low')) + ' ' + Math.round(row.confidence * 100) + '%</span>'
      : esc(t('confidence', {c: Math.round(row.confidence * 100)}))) + '</td></tr>';
  });
  $('#results').innerHTML = h + '</tbody></table></div>';
  $('#status').textContent = t('rows', {n: v.rows.length});
  paintFacets({});
}
// Hovering or focusing a sentence highlights the sentences of the other language in its row.
function highlightRow(el) {
  for (const e of document.querySelectorAll('#par .s.hl, #par .s.cur')) e.classList.remove('hl', 'cur');
  if (!el) return;
  el.classList.add('cur');
  for (const e of document.querySelectorAll('#par .s[data-row="' + el.dataset.row + '"]')) if (e.dataset.side !== el.dataset.side) e.classList.add('hl');
}
function parKey(e) {
  const el = e.target.closest('#par .s');
  if (!el) return;
  const all = [...document.querySelectorAll('#par .s')];
  const row = +el.dataset.row, side = el.dataset.side;
  let next = null;
  const find = (pred, from, step) => { for (let i = from; i >= 0 && i < all.length; i += step) if (pred(all[i])) return all[i]; return null; };
  const idx = all.indexOf(el);
  if (e.key === 'ArrowDown') next = find(x => +x.dataset.row > row && x.dataset.side === side, idx + 1, 1) || find(x => +x.dataset.row > row, idx + 1, 1);
  else if (e.key === 'ArrowUp') next = find(x => +x.dataset.row < row && x.dataset.side === side, idx - 1, -1) || find(x => +x.dataset.row < row, idx - 1, -1);
  else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') next = all.find(x => +x.dataset.row === row && x.dataset.side !== side) || null;
  else if (e.key === 'Home') next = all[0];
  else if (e.key === 'End') next = all[all.length - 1];
  else return;
  e.preventDefault();
  if (!next) return;
  el.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
  next.scrollIntoView({block: 'nearest'});
}

// ---- render ----------------------------------------------------------------------------------
async function render(opts = {}) {
  const prev = state;
  state = parse_state(location.search);
  ui = state.ui === 'zh' || state.ui === 'en' ? state.ui : ui;
  const queryKey = s => s && JSON.stringify([s.tab, s.q, s.filters, s.expand, s.clang]);
  if (queryKey(prev) !== queryKey(state)) for (const k of Object.keys(fullFacets)) delete fullFacets[k];
  paintChrome();
  $('#chips').innerHTML = state.view === 'list' ? chipsHtml() : '';
  const keep = opts.focus === undefined ? focusKey() : null;
  if (ctrl) ctrl.abort();
  ctrl = new AbortController();
  const my = ++gen;
  setBusy(true);
  try {
    if (state.view === 'doc') await renderDoc(my);
    else if (state.view === 'par') await renderPar(my);
    else await renderSearch(my, opts);
  } catch (e) {
    if (e instanceof Stale) return;
    $('#results').innerHTML = '<div class="error" role="alert">' + esc(t('error', {m: e.message})) + '</div>';
    $('#status').textContent = '';
    paintFacets({});
  }
  if (my !== gen) return;
  setBusy(false);
  $('#main').querySelector('aside').hidden = state.view !== 'list';
  if (opts.focus === 'view') {
    // A new view (a document, side by side, another page): start at its top, focus on its heading.
    const target = $('#doc-h') || $('#results-h') || $('#results');
    window.scrollTo(0, 0);
    target.focus({preventScroll: true});
    const m = state.view === 'doc' && (state.para != null ? $('#results [data-para="' + state.para + '"] mark') : null) || (state.view === 'doc' ? $('#results mark') : null);
    if (m) m.scrollIntoView({block: 'center'});
  } else if (opts.focus !== 'none') {
    restoreFocus(keep || opts.focus, null);
  }
}

// ---- events --------------------------------------------------------------------------------
function setUi(lang) {
  ui = lang;
  try { localStorage.setItem('tongwen.ui', lang); } catch (e) { /* private mode */ }
  go(with_({ui: lang}), {replace: true, focus: 'ui-lang'});
  $('#ui-lang').focus();
}
function init() {
  const s = parse_state(location.search);
  let stored = null;
  try { stored = localStorage.getItem('tongwen.ui'); } catch (e) { /* private mode */ }
  ui = s.ui === 'zh' || s.ui === 'en' ? s.ui : stored === 'zh' || stored === 'en' ? stored : (navigator.language || '').startsWith('zh') ? 'zh' : 'en';
  $('#f').addEventListener('submit', e => {
    e.preventDefault();
    go(with_({q: $('#q').value.trim(), page: 1, view: 'list', doc: '', with: '', hl: [], para: null}), {focus: 'none'});
  });
  $('#sort').addEventListener('change', () => go(with_({sort: $('#sort').value, page: 1})));
  $('#clang').addEventListener('change', () => go(with_({clang: $('#clang').value, page: 1})));
  $('#expand').addEventListener('change', () => go(with_({expand: $('#expand').checked, page: 1})));
  $('#ui-lang').addEventListener('click', () => setUi(ui === 'zh' ? 'en' : 'zh'));
  const tabs = [$('#tab-search'), $('#tab-conc')];
  const pick = tab => go(with_({tab, page: 1, view: 'list', doc: '', with: '', hl: [], para: null}), {focus: 'tab-' + tab});
  $('#tab-search').addEventListener('click', () => pick('search'));
  $('#tab-conc').addEventListener('click', () => pick('conc'));
  $('#tabs').addEventListener('keydown', e => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i + tabs.length - 1) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    e.preventDefault();
    tabs[j].focus();
    pick(j === 0 ? 'search' : 'conc');
  });
  for (const tb of tabs) tb.dataset.k = tb.id;
  $('#ui-lang').dataset.k = 'ui-lang';
  $('#filters-toggle').addEventListener('click', () => {
    const open = !$('#facets').classList.contains('open');
    $('#facets').classList.toggle('open', open);
    $('#filters-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) $('#facets-h').setAttribute('tabindex', '-1'), $('#facets-h').focus();
  });
  $('#facets').addEventListener('change', e => {
    const el = e.target;
    if (!el.dataset.f) return;
    const f = el.dataset.f, cur = new Set(state.filters[f] || []);
    el.checked ? cur.add(el.value) : cur.delete(el.value);
    const filters = {...state.filters};
    if (cur.size) filters[f] = [...cur]; else delete filters[f];
    go(with_({filters, page: 1}));
  });
  $('#facets').addEventListener('input', async e => {
    const el = e.target;
    if (!el.dataset.ff) return;
    const f = el.dataset.ff;
    facetText[f] = el.value;
    try { await loadFullFacet(f); } catch (err) { if (!(err instanceof Stale)) console.warn(err); return; }
    const box = el.closest('fieldset');
    box.querySelector('.fl').innerHTML = facetList(f);
    const more = box.querySelector('.more');
    if (more) more.hidden = !!facetText[f];
  });
  document.addEventListener('click', async e => {
    const a = e.target.closest('a, button');
    if (!a) return;
    if (a.dataset.more) {
      const f = a.dataset.more;
      if (!facetOpen[f]) { try { await loadFullFacet(f); } catch (err) { if (!(err instanceof Stale)) console.warn(err); return; } }
      facetOpen[f] = !facetOpen[f];
      const box = a.closest('fieldset');
      box.outerHTML = facetBlock(f);
      restoreFocus('more:' + f);
      return;
    }
    if (a.dataset.chip) {
      const f = a.dataset.chip, filters = {...state.filters};
      filters[f] = (filters[f] || []).filter(v => v !== a.dataset.v);
      if (!filters[f].length) delete filters[f];
      go(with_({filters, page: 1}), {focus: 'clear'});
      return;
    }
    if (a.dataset.clear) { go(with_({filters: {}, page: 1}), {focus: 'none'}); $('#q').focus(); return; }
    if (a.tagName !== 'A' || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    const href = a.getAttribute('href') || '';
    if (!href.startsWith('/?') && href !== '/' && !href.startsWith(location.pathname + '?')) return;
    if (a.closest('#results') || a.closest('#chips')) {
      e.preventDefault();
      history.pushState(null, '', href);
      render({focus: 'view'});
    }
  });
  $('#results').addEventListener('mouseover', e => { const s = e.target.closest('#par .s'); if (s) highlightRow(s); });
  $('#results').addEventListener('focusin', e => { const s = e.target.closest('#par .s'); if (s) highlightRow(s); });
  $('#results').addEventListener('keydown', parKey);
  // The skip link moves focus itself: following its fragment would fire popstate, re-render the
  // view and move focus a second time once that answer arrives, and leave '#results' in the URL.
  $('#skip').addEventListener('click', e => {
    e.preventDefault();
    ($('#doc-h') || $('#results-h') || $('#results')).focus();
  });
  window.addEventListener('popstate', () => render({focus: 'view'}));
  if (s.ui !== ui) history.replaceState(null, '', state_url({...s, ui}));
  render({focus: 'none'});
}
document.addEventListener('DOMContentLoaded', init);
