// The SQL editor: a plain <textarea> the user types in, with transparent
// text over a <pre> that mirrors it with keywords, strings, numbers and
// comments coloured. The same overlay marks the line and column of an error.
// A small list (#completions) offers keywords, functions, and the tables and
// columns a catalog source knows; Tab/Enter accept, Escape closes,
// Ctrl/Cmd-Enter runs.

import { esc } from './format.js';

export const KEYWORDS = new Set(`
add all alter analyze and anti array as asc between bigint binary boolean both by cache case cast
char cluster cluster collection columns comment compute create cross cube current database databases
date decimal delimited desc describe directory distinct distribute div double drop else end escaped
exists explain extended external false fields fileformat first float following for format formatted
from full function functions grouping group having if in inner inpath insert int integer intersect
interval into is join last lateral lazy left like limit lines load local location map minus not
null nulls of on options or order outer over overwrite partition partitioned partitions percent
preceding range real regexp replace right rlike rollup row rows schema schemas select semi serde
serdeproperties set sets show smallint sort sorted statistics stored string struct table tables
tablesample tblproperties temporary terminated then timestamp tinyint to true truncate unbounded
uncache union use using values varchar view when where window with`.trim().split(/\s+/));

export const FUNCTIONS = `
abs avg ceil coalesce collect_list collect_set concat concat_ws count current_date current_timestamp
date_add date_format date_sub datediff day dense_rank explode first_value floor from_unixtime
get_json_object greatest hour if instr lag last_value lead least length lower lpad ltrim max min
minute month nvl percentile rank regexp_extract regexp_replace round row_number rpad rtrim
size split sqrt stddev substr substring sum to_date trim unix_timestamp upper variance year`
  .trim().split(/\s+/);

// One alternative per token kind, tried in order at each position.
const TOKEN = new RegExp([
  /(--[^\n]*)/.source,                                     // 1 line comment
  /(\/\*[\s\S]*?(?:\*\/|$))/.source,                       // 2 block comment
  /('(?:[^'\\]|\\[\s\S])*(?:'|$)|"(?:[^"\\]|\\[\s\S])*(?:"|$))/.source, // 3 string
  /(`[^`]*(?:`|$))/.source,                                // 4 quoted name
  /(\d+(?:\.\d*)?(?:[eEL][+-]?\d*)?[a-zA-Z]?)/.source,      // 5 number (with Hive suffixes)
  /([A-Za-z_][A-Za-z0-9_]*)/.source,                       // 6 word
  /([\s\S])/.source,                                       // 7 anything else
].join('|'), 'g');

const KIND_CLASS = { 1: 'tk-comment', 2: 'tk-comment', 3: 'tk-string', 4: 'tk-name', 5: 'tk-number' };

/** [text, cssClass|null] pairs covering the whole text. */
function tokens(text) {
  const out = [];
  for (const m of text.matchAll(TOKEN)) {
    const kind = m.slice(1).findIndex((g) => g !== undefined) + 1;
    let cls = KIND_CLASS[kind] || null;
    if (kind === 6) {
      const w = m[0].toLowerCase();
      if (KEYWORDS.has(w)) cls = 'tk-keyword';
      else if (text[m.index + m[0].length] === '(') cls = 'tk-function';
    }
    out.push([m[0], cls]);
  }
  return out;
}

/**
 * The overlay's HTML for `text`; with `mark` ({line, column}, 1-based) that
 * line is wrapped in .err-line and the character at the column in .err-col.
 */
export function highlight(text, mark) {
  const lines = [''];
  let col = 0; // 0-based column of the next character on the current line
  const emit = (piece, cls) => {
    if (!piece) return;
    const markHere = mark && lines.length === mark.line && mark.column >= 1;
    const at = markHere ? mark.column - 1 - col : -1;
    const wrap = (s, extra) => {
      const c = [cls, extra].filter(Boolean).join(' ');
      return c ? `<span class="${c}">${esc(s)}</span>` : esc(s);
    };
    if (at >= 0 && at < piece.length) {
      lines[lines.length - 1] += wrap(piece.slice(0, at)) + wrap(piece[at], 'err-col') + wrap(piece.slice(at + 1));
    } else {
      lines[lines.length - 1] += wrap(piece);
    }
    col += piece.length;
  };
  for (const [t, cls] of tokens(text)) {
    const parts = t.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) { lines.push(''); col = 0; }
      emit(part, cls);
    });
  }
  if (mark && mark.line >= 1 && mark.line <= lines.length) {
    const i = mark.line - 1;
    // a column past the end of the line still gets a visible marker
    const tail = lines[i].includes('err-col') ? '' : '<span class="err-col"> </span>';
    lines[i] = `<span class="err-line">${lines[i]}${tail}</span>`;
  }
  return `${lines.join('\n')}\n `; // the extra line keeps the overlay as tall as the textarea
}

/** 0-based offset in `text` of a 1-based line and column. */
export function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 1; l < line; l += 1) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const end = text.indexOf('\n', offset);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(offset + Math.max(0, (column || 1) - 1), lineEnd);
}

/** The word being typed before the caret: an optional `qualifier.` and the prefix. */
function wordAt(text, caret) {
  const before = text.slice(0, caret);
  const m = /(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)?$/.exec(before);
  if (!m || (!m[1] && !m[2])) return null;
  const line = before.slice(before.lastIndexOf('\n') + 1);
  if ((line.replace(/\\./g, '').match(/'/g) || []).length % 2 === 1) return null; // inside a string
  if (/--/.test(line.replace(/'[^']*'/g, ''))) return null; // inside a comment
  return { qualifier: m[1] || null, prefix: m[2] || '', start: caret - (m[2] || '').length };
}

/**
 * Wires the editor. `catalog.candidates(text, qualifier)` answers
 * `{ items: [{label, kind}], pending: Promise|null }`; when `pending`
 * settles the list is computed again.
 */
export function createEditor({ textarea, overlay, list, catalog, onRun }) {
  let mark = null;
  let items = [];
  let selected = 0;
  let word = null;

  const paint = () => {
    overlay.innerHTML = highlight(textarea.value, mark);
    overlay.scrollTop = textarea.scrollTop;
    overlay.scrollLeft = textarea.scrollLeft;
  };

  const close = () => {
    if (!list.hidden || list.firstChild) { list.hidden = true; list.innerHTML = ''; }
    items = [];
    word = null;
  };

  const caretPoint = () => {
    const style = getComputedStyle(textarea);
    const ctx2d = (caretPoint.canvas ||= document.createElement('canvas')).getContext('2d');
    ctx2d.font = `${style.fontSize} ${style.fontFamily}`;
    const charW = ctx2d.measureText('M').width;
    const lineH = parseFloat(style.lineHeight) || 18;
    const before = textarea.value.slice(0, word.start);
    const line = before.split('\n').length - 1;
    const col = before.length - before.lastIndexOf('\n') - 1;
    return {
      left: parseFloat(style.paddingLeft) + col * charW - textarea.scrollLeft,
      top: parseFloat(style.paddingTop) + (line + 1) * lineH - textarea.scrollTop + 2,
    };
  };

  const drawList = () => {
    list.innerHTML = items.map((it, i) =>
      `<li class="${i === selected ? 'selected' : ''}" data-i="${i}">` +
      `<span class="cmp-label">${esc(it.label)}</span><span class="cmp-kind">${esc(it.kind)}</span></li>`).join('');
    const p = caretPoint();
    list.style.left = `${Math.max(0, p.left)}px`;
    list.style.top = `${p.top}px`;
    list.hidden = false;
    list.children[selected]?.scrollIntoView({ block: 'nearest' });
  };

  const suggest = () => {
    word = wordAt(textarea.value, textarea.selectionStart);
    if (!word || textarea.selectionStart !== textarea.selectionEnd) { close(); return; }
    const { qualifier, prefix } = word;
    const lower = prefix.toLowerCase();
    const { items: found, pending } = catalog.candidates(textarea.value, qualifier);
    const pool = qualifier ? found : [
      ...found,
      ...[...KEYWORDS].map((k) => ({ label: k, kind: 'keyword' })),
      ...FUNCTIONS.map((f) => ({ label: f, kind: 'function' })),
    ];
    const seen = new Set();
    items = pool.filter((it) => {
      const l = it.label.toLowerCase();
      if (!l.startsWith(lower) || seen.has(l)) return false;
      seen.add(l);
      return true;
    }).slice(0, 50);
    if (!qualifier && !prefix) items = [];
    if (items.length === 1 && items[0].label.toLowerCase() === lower) items = [];
    selected = 0;
    if (items.length) drawList(); else close();
    const at = textarea.selectionStart;
    const text = textarea.value;
    pending?.then(() => {
      // columns arrived: offer them if the user is still where they were
      if (document.activeElement === textarea && textarea.selectionStart === at && textarea.value === text) suggest();
    });
  };

  const accept = (i = selected) => {
    const it = items[i];
    if (!it || !word) return;
    let label = it.label;
    if (it.kind === 'keyword' && word.prefix && word.prefix === word.prefix.toUpperCase()) label = label.toUpperCase();
    textarea.setRangeText(label, word.start, textarea.selectionStart, 'end');
    close();
    paint();
    textarea.focus();
  };

  textarea.addEventListener('input', () => {
    if (mark) { mark = null; }
    paint();
    suggest();
  });
  textarea.addEventListener('scroll', () => {
    overlay.scrollTop = textarea.scrollTop;
    overlay.scrollLeft = textarea.scrollLeft;
    if (!list.hidden) close();
  });
  textarea.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== textarea) close(); }, 150));
  textarea.addEventListener('click', close);
  textarea.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      close();
      onRun();
      return;
    }
    if (!list.hidden && items.length) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        selected = (selected + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        drawList();
        return;
      }
      if (ev.key === 'Tab' || ev.key === 'Enter') { ev.preventDefault(); accept(); return; }
      if (ev.key === 'Escape') { ev.preventDefault(); close(); return; }
    }
    if (ev.key === 'Tab' && !ev.shiftKey) {
      ev.preventDefault();
      textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
      paint();
    }
  });
  list.addEventListener('mousedown', (ev) => {
    const li = ev.target.closest('li[data-i]');
    if (li) { ev.preventDefault(); accept(Number(li.dataset.i)); }
  });

  paint();
  return {
    get text() { return textarea.value; },
    set text(value) { textarea.value = value; mark = null; close(); paint(); },
    /** Marks a 1-based line/column in the overlay and moves the caret there. */
    markError(line, column) {
      if (!line) return;
      mark = { line, column: column || 1 };
      paint();
      const pos = offsetOf(textarea.value, line, column);
      textarea.focus();
      textarea.setSelectionRange(pos, pos);
      const lineH = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
      const y = (line - 1) * lineH;
      if (y < textarea.scrollTop || y > textarea.scrollTop + textarea.clientHeight - 2 * lineH) {
        textarea.scrollTop = Math.max(0, y - textarea.clientHeight / 3);
      }
      overlay.scrollTop = textarea.scrollTop;
    },
    clearError() { if (mark) { mark = null; paint(); } },
    focus() { textarea.focus(); },
  };
}
