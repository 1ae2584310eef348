import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../ui/chart';
import { awaitingApproval } from './format';
import { placeSteps } from './graph-layout';
import { stepStyle } from './step-style';
import type { Step } from './types';

const COLUMN = 230;
const ROW = 84;

/** The words a node carries: its name and state, since colour alone says nothing to many readers. */
export function nodeLabel(step: Step): string {
  return `${step.name} · ${awaitingApproval(step) ? 'AWAITING APPROVAL' : step.state}`;
}

/**
 * The run as a graph: steps as nodes in columns by dependency depth, needs as
 * arrows, each node coloured and shaped by its state and labelled with it.
 * Clicking a node selects the step, as its row's button in the table does.
 */
export function RunGraph({ steps, selected, onSelect }: { steps: Step[]; selected: string | null; onSelect: (step: string) => void }) {
  const placed = useMemo(() => placeSteps(steps), [steps]);
  const tallest = Math.max(1, ...placed.map((p) => p.levelSize));
  const ariaLabel = `Run graph of ${steps.length} steps: ${steps.map(nodeLabel).join(', ')}. The steps table below holds the same.`;
  const option = useMemo<ChartOption>(() => {
    const byName = new Map(steps.map((s) => [s.name, s]));
    return {
      // ECharts' aria writes its description into the chart's aria-label; this one says what the graph holds in words.
      aria: { enabled: true, label: { description: ariaLabel } },
      tooltip: { trigger: 'item', formatter: (p: { dataType?: string; name?: string }) => (p.dataType === 'node' && p.name ? tooltipOf(byName.get(p.name)) : '') },
      series: [{
        type: 'graph',
        layout: 'none',
        roam: false,
        // No box given: ECharts then fits the graph in 80 % of the chart keeping its aspect, centred, so columns and rows are spaced alike.
        nodeScaleRatio: 0,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 9,
        lineStyle: { color: '#8a8c94', width: 1.5, curveness: 0.08 },
        // No fading of the other nodes on hover: it would stay after a click re-renders the chart.
        emphasis: { focus: 'none', scale: 1.15 },
        label: { show: true, position: 'bottom', color: '#1b1b1f', fontSize: 13, distance: 8 },
        data: placed.map((p) => {
          const step = byName.get(p.name)!;
          const style = stepStyle(step.state);
          const isSelected = p.name === selected;
          return {
            name: p.name,
            x: p.level * COLUMN,
            // Each column centred on the tallest one.
            y: (p.index - (p.levelSize - 1) / 2) * ROW,
            symbol: style.symbol,
            symbolSize: isSelected ? 30 : 24,
            itemStyle: { color: style.color, borderColor: isSelected ? '#1b1b1f' : style.color, borderWidth: isSelected ? 3 : 2 },
            label: { formatter: nodeLabel(step), fontWeight: isSelected ? 'bold' : 'normal' },
          };
        }),
        links: steps.flatMap((s) => s.needs.map((n) => ({ source: n, target: s.name }))),
      }],
    };
  }, [placed, steps, selected, ariaLabel]);
  const columns = 1 + Math.max(0, ...placed.map((p) => p.level));
  return (
    // On a narrow screen the graph keeps room for its labels and scrolls sideways instead.
    <div className="run-graph" role="group" aria-label="Run graph (scrolls sideways on a narrow screen)" tabIndex={0}>
      <div style={{ minWidth: columns * 190 + 80 }}>
        <Chart option={option} label={ariaLabel} height={Math.max(180, tallest * ROW + 120)} onClick={(e) => { if (e.dataType === 'node' && e.name) onSelect(e.name); }} />
      </div>
    </div>
  );
}

function tooltipOf(step: Step | undefined): string {
  if (!step) return '';
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<strong>${esc(step.name)}</strong> (${esc(step.kind)})<br/>${esc(nodeLabel(step).split(' · ')[1] ?? '')}${step.error ? `<br/>${esc(step.error.slice(0, 200))}` : ''}`;
}
