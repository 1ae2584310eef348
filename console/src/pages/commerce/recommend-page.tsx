import { Page } from '../../ui/page';
import { Empty } from '../../ui/status';

/** Placeholder until this page is built. */
export default function Placeholder() {
  return <Page title="recommend-page"><Empty>Not built yet.</Empty></Page>;
}
