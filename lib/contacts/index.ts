export { listContactGroups, ownsContactGroups } from './groups';
