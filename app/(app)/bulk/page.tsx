import { notBuiltPage } from '../../_components/not-built';

const page = notBuiltPage('bulk');
export const generateMetadata = page.generateMetadata;
export default page.Page;
