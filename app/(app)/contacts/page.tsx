import { notBuiltPage } from '../../_components/not-built';

const page = notBuiltPage('contacts');
export const generateMetadata = page.generateMetadata;
export default page.Page;
