import { notBuiltPage } from '../../_components/not-built';

const page = notBuiltPage('send');
export const generateMetadata = page.generateMetadata;
export default page.Page;
