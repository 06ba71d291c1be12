// The timeline page's behaviour (inlined into the page by svg_timeline.cc; no network, no
// library): zoom and pan in time, worker groups whose lanes show and hide, the time axis and the
// marker labels laid out for the current view, and the view kept in the address (#t=FROM,TO in
// simulated seconds, &workers=all|none|g1,g2) so that a view can be shared or screenshotted.
//
// svg_timeline.cc writes every time-positioned element with data-b/data-e (a band: its start and
// end) or data-t (a marker) / data-tick (a 2 px mark), in nanoseconds since the trace's first
// record, at the positions of the whole run; this script only moves them. window.swarmsimTimeline
// is the page's interface for tests and tools (viz/page_in_chromium_test.py, viz/screenshot.py).
(function () {
  'use strict';
  var svg = document.querySelector('svg.timeline');
  if (!svg) return;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var L = +svg.dataset.left, R = +svg.dataset.right;
  var SPAN = +svg.dataset.span, BEGIN = +svg.dataset.begin;  // ns
  var AXIS_Y = +svg.dataset.axis, ROWS = +svg.dataset.rows, LANES_TOP = +svg.dataset.lanesTop;
  var WIDTH = +svg.getAttribute('width');
  var ROW_H = 12;         // one row of marker labels
  var MIN_SPAN = 1000;    // the narrowest view: 1 microsecond
  var MARKER_WINDOW = 60e9;  // a click on a marker shows the minute around it

  var v0 = 0, v1 = SPAN;  // the view, ns since the first record
  var bottom = 0;         // y under the last visible lane

  var bands = [], labels = [], ticks = [];
  Array.prototype.forEach.call(svg.querySelectorAll('[data-b]'), function (el) {
    var item = {el: el, b: +el.dataset.b, e: +el.dataset.e};
    if (el.tagName === 'text') {
      item.w = +el.dataset.w;
      labels.push(item);
    } else {
      bands.push(item);
    }
  });
  Array.prototype.forEach.call(svg.querySelectorAll('[data-tick]'), function (el) {
    ticks.push({el: el, t: +el.dataset.tick});
  });
  var markers = Array.prototype.map.call(svg.querySelectorAll('g.marker'), function (g) {
    return {g: g, t: +g.dataset.t, w: +g.dataset.w, text: g.querySelector('text'),
            line: g.querySelector('line')};
  });
  var lanes = Array.prototype.slice.call(svg.querySelectorAll('#lanes > g.lane'));
  var tail = svg.querySelector('#tail');
  var axis = svg.querySelector('#axis');
  var brush = svg.querySelector('#brush');
  var viewText = document.getElementById('view');
  var open = {};  // worker group -> its lanes are shown
  lanes.forEach(function (g) {
    if (g.dataset.group) {
      var first = svg.querySelector('#lanes > g.lane[data-in="' + g.dataset.group + '"]');
      open[g.dataset.group] = !!first && first.style.display !== 'none';
    }
  });

  function X(t) { return L + (t - v0) / (v1 - v0) * (R - L); }
  function T(x) { return v0 + (x - L) / (R - L) * (v1 - v0); }
  // Far outside the plot an SVG coordinate only costs precision: keep it near the edges (the
  // clip path hides what is outside).
  function clampX(x) { return Math.max(L - 10, Math.min(R + 10, x)); }
  function seconds(ns) { return (BEGIN + ns) / 1e9; }

  function tickStep(spanSeconds, target) {
    var raw = spanSeconds / Math.max(target, 1);
    var p = Math.pow(10, Math.floor(Math.log10(raw > 0 ? raw : 1e-9)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; ++i) {
      if (p * steps[i] >= raw) return p * steps[i];
    }
    return p * 10;
  }

  function drawAxis() {
    while (axis.firstChild) axis.removeChild(axis.firstChild);
    var from = seconds(v0), to = seconds(v1);
    var step = tickStep(to - from, Math.floor((R - L) / 90));
    var decimals = step >= 1 ? 0 : Math.min(9, Math.ceil(-Math.log10(step) - 1e-9));
    for (var k = Math.ceil(from / step - 1e-9); k * step <= to + 1e-12; ++k) {
      var x = L + (k * step - from) / (to - from) * (R - L);
      var grid = document.createElementNS(SVG_NS, 'line');
      grid.setAttribute('x1', x);
      grid.setAttribute('x2', x);
      grid.setAttribute('y1', AXIS_Y - 4);
      grid.setAttribute('y2', bottom);
      grid.setAttribute('class', 'grid');
      axis.appendChild(grid);
      var label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('x', x);
      label.setAttribute('y', AXIS_Y - 7);
      label.setAttribute('class', 'tick');
      label.textContent = (k * step).toFixed(decimals) + 's';
      axis.appendChild(label);
    }
  }

  // Marker labels on ROWS rows, greedily in time order; one that finds no free row is hidden
  // (its line stays, with its tooltip) until the view is zoomed in.
  function drawMarkers() {
    var rowEnd = [];
    for (var r = 0; r < ROWS; ++r) rowEnd.push(-Infinity);
    markers.forEach(function (m) {
      var x = X(m.t);
      if (x < L - 0.5 || x > R + 0.5) {
        m.g.style.display = 'none';
        return;
      }
      m.g.style.display = '';
      var row = -1;
      var left = x + m.w > WIDTH ? x - m.w : x;  // where the label starts
      for (var i = 0; i < ROWS; ++i) {
        if (rowEnd[i] <= left) { row = i; break; }
      }
      var top = LANES_TOP - 2;
      m.line.setAttribute('x1', x);
      m.line.setAttribute('x2', x);
      m.line.setAttribute('y2', Math.max(bottom, LANES_TOP));
      if (row < 0) {
        m.text.style.display = 'none';
        m.line.setAttribute('y1', top);
        return;
      }
      // A label that would leave the picture on the right ends at its line instead.
      var flip = x + m.w > WIDTH;
      rowEnd[row] = flip ? x + 4 : x + m.w;
      var y = AXIS_Y + (row + 1) * ROW_H - 2;
      m.text.style.display = '';
      m.text.setAttribute('x', flip ? x - 2 : x + 2);
      m.text.setAttribute('text-anchor', flip ? 'end' : 'start');
      m.text.setAttribute('y', y);
      m.line.setAttribute('y1', y - 9);
    });
  }

  function draw() {
    bands.forEach(function (item) {
      var x1 = clampX(X(item.b)), x2 = clampX(X(item.e));
      item.el.setAttribute('x', x1);
      item.el.setAttribute('width', Math.max(x2 - x1, 0.8));
    });
    ticks.forEach(function (item) { item.el.setAttribute('x', clampX(X(item.t)) - 1); });
    labels.forEach(function (item) {
      var x1 = Math.max(X(item.b), L), x2 = Math.min(X(item.e), R);
      if (x2 - x1 >= item.w) {
        item.el.style.display = '';
        item.el.setAttribute('x', (x1 + x2) / 2);
      } else {
        item.el.style.display = 'none';
      }
    });
    drawAxis();
    drawMarkers();
    if (viewText) {
      viewText.textContent = 'view ' + seconds(v0).toFixed(3) + 's – ' + seconds(v1).toFixed(3) +
          's (' + ((v1 - v0) / 1e9).toFixed(3) + 's of ' + (SPAN / 1e9).toFixed(3) + 's)';
    }
  }

  // Lanes one under the other, skipping the hidden ones; the picture grows or shrinks to fit.
  function restack() {
    var y = LANES_TOP;
    lanes.forEach(function (g) {
      var hidden = !!g.dataset.in && !open[g.dataset.in];
      g.style.display = hidden ? 'none' : '';
      if (hidden) return;
      g.setAttribute('transform', 'translate(0,' + y + ')');
      y += +g.dataset.h;
    });
    bottom = y;
    if (tail) {
      tail.setAttribute('transform', 'translate(0,' + y + ')');
      y += +tail.dataset.h;
    }
    var height = y + 8;
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + height);
    Array.prototype.forEach.call(svg.querySelectorAll('text.toggle'), function (t) {
      t.firstChild.nodeValue = (open[t.dataset.toggle] ? '▾ ' : '▸ ') +
          t.firstChild.nodeValue.replace(/^[▸▾] /, '');
    });
  }

  function remember() {
    var groups = Object.keys(open);
    var shown = groups.filter(function (g) { return open[g]; });
    var hash = '#t=' + seconds(v0).toFixed(6).replace(/\.?0+$/, '') + ',' +
        seconds(v1).toFixed(6).replace(/\.?0+$/, '');
    if (groups.length > 0) {
      hash += '&workers=' + (shown.length === groups.length ? 'all' :
                             shown.length === 0 ? 'none' : shown.join(','));
    }
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  function setView(a, b) {
    var width = Math.min(Math.max(b - a, MIN_SPAN), SPAN);
    var mid = (a + b) / 2;
    a = Math.min(Math.max(mid - width / 2, 0), SPAN - width);
    v0 = a;
    v1 = a + width;
    draw();
    remember();
  }
  function zoomAt(t, factor) { setView(t - (t - v0) * factor, t + (v1 - t) * factor); }
  function pan(dt) { setView(v0 + dt, v1 + dt); }

  function setGroups(which) {  // 'all', 'none' or a list of group names
    Object.keys(open).forEach(function (g) {
      open[g] = which === 'all' || (Array.isArray(which) && which.indexOf(g) >= 0);
    });
    restack();
    draw();
    remember();
  }
  function toggle(group) {
    open[group] = !open[group];
    restack();
    draw();
    remember();
  }

  // The address: #t=FROM,TO (simulated seconds) & workers=all|none|g1,g2.
  function readHash() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq > 0) params[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    });
    if (params.workers) {
      var w = params.workers;
      Object.keys(open).forEach(function (g) {
        open[g] = w === 'all' || (w !== 'none' && w.split(',').indexOf(g) >= 0);
      });
    }
    var a = v0, b = v1;
    if (params.t) {
      var range = params.t.split(',').map(Number);
      if (range.length === 2 && isFinite(range[0]) && isFinite(range[1]) && range[1] > range[0]) {
        a = range[0] * 1e9 - BEGIN;
        b = range[1] * 1e9 - BEGIN;
      }
    }
    restack();
    setView(a, b);
  }

  function svgPoint(ev) {
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }

  var drag = null;
  var dragged = false;  // the last press moved: its click is no click
  svg.addEventListener('pointerdown', function (ev) {
    if (ev.button !== 0) return;
    var p = svgPoint(ev);
    dragged = false;
    if (p.x < L || p.x > R) return;
    drag = {x: p.x, v0: v0, v1: v1, brush: p.y < LANES_TOP - 2, id: ev.pointerId};
  });
  svg.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    var p = svgPoint(ev);
    if (!dragged && Math.abs(p.x - drag.x) < 4) return;
    if (!dragged) {
      dragged = true;
      svg.setPointerCapture(drag.id);
      if (!drag.brush) svg.classList.add('panning');
    }
    if (drag.brush) {
      var x1 = Math.max(Math.min(drag.x, p.x), L), x2 = Math.min(Math.max(drag.x, p.x), R);
      brush.style.display = '';
      brush.setAttribute('x', x1);
      brush.setAttribute('width', x2 - x1);
    } else {
      var dt = -(p.x - drag.x) / (R - L) * (drag.v1 - drag.v0);
      v0 = drag.v0;
      v1 = drag.v1;
      pan(dt);
    }
  });
  function endDrag(ev) {
    if (!drag) return;
    if (dragged && drag.brush) {
      var p = svgPoint(ev);
      var x1 = Math.max(Math.min(drag.x, p.x), L), x2 = Math.min(Math.max(drag.x, p.x), R);
      brush.style.display = 'none';
      if (x2 - x1 >= 4) setView(T(x1), T(x2));
    }
    svg.classList.remove('panning');
    drag = null;
  }
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener('click', function (ev) {
    if (dragged) return;
    var marker = ev.target.closest('g.marker');
    if (marker) {
      var t = +marker.dataset.t;
      setView(t - MARKER_WINDOW / 4, t + MARKER_WINDOW * 3 / 4);
      return;
    }
    var summary = ev.target.closest('g.lane.summary');
    if (summary) toggle(summary.dataset.group);
  });
  svg.addEventListener('dblclick', function () { setView(0, SPAN); });
  svg.addEventListener('wheel', function (ev) {
    var p = svgPoint(ev);
    if (p.x < L || p.x > R) return;
    if (ev.ctrlKey || ev.metaKey) {
      ev.preventDefault();
      zoomAt(T(p.x), Math.exp(Math.max(-5, Math.min(5, ev.deltaY * 0.002))));
    } else if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      ev.preventDefault();
      pan((ev.deltaX || ev.deltaY) / (R - L) * (v1 - v0));
    }
  }, {passive: false});
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var mid = (v0 + v1) / 2, width = v1 - v0;
    switch (ev.key) {
      case '+': case '=': case 'w': case 'W': zoomAt(mid, 0.5); break;
      case '-': case '_': case 's': case 'S': zoomAt(mid, 2); break;
      case 'a': case 'A': case 'ArrowLeft': pan(-width / 5); break;
      case 'd': case 'D': case 'ArrowRight': pan(width / 5); break;
      case '0': setView(0, SPAN); break;
      default: return;
    }
    ev.preventDefault();
  });
  Array.prototype.forEach.call(document.querySelectorAll('.toolbar button'), function (b) {
    b.addEventListener('click', function () {
      var mid = (v0 + v1) / 2, width = v1 - v0;
      switch (b.dataset.act) {
        case 'in': zoomAt(mid, 0.5); break;
        case 'out': zoomAt(mid, 2); break;
        case 'left': pan(-width / 5); break;
        case 'right': pan(width / 5); break;
        case 'fit': setView(0, SPAN); break;
        case 'expand': setGroups('all'); break;
        case 'collapse': setGroups('none'); break;
      }
    });
  });
  window.addEventListener('hashchange', readHash);

  window.swarmsimTimeline = {
    // The view in simulated seconds, as the axis shows them.
    view: function () { return [seconds(v0), seconds(v1)]; },
    setView: function (from, to) { setView(from * 1e9 - BEGIN, to * 1e9 - BEGIN); },
    fit: function () { setView(0, SPAN); },
    groups: function () { return JSON.parse(JSON.stringify(open)); },
    showWorkers: setGroups,
    toggle: toggle,
  };
  readHash();
})();
