import { notBuiltPage } from '../../_components/not-built';

const page = notBuiltPage('history');
export const generateMetadata = page.generateMetadata;
export default page.Page;
