import { notBuiltPage } from '../../_components/not-built';

const page = notBuiltPage('reports');
export const generateMetadata = page.generateMetadata;
export default page.Page;
