import { Chart, type ChartOption } from '../../ui/chart';

/**
 * The shared Chart with its label kept: ECharts' aria option writes its own
 * generated description over the container's aria-label unless
 * `aria.label.description` is given, so the label is handed to it too.
 */
export function LabelledChart({ option, label, height }: { option: ChartOption; label: string; height?: number }) {
  return <Chart option={{ ...option, aria: { enabled: true, label: { description: label } } }} label={label} height={height} />;
}
