// DevTools' "build npm" copies mpcloud's miniprogram_dist/ to miniprogram_npm/mpcloud/ (the test does the same):
// the declarations shipped there describe that CommonJS bundle, the wx drop-in, on their own.
import cloud, { createCloud } from './miniprogram_npm/mpcloud'
import wxCloud from './miniprogram_npm/mpcloud/wx'

export const same: boolean = cloud === wxCloud && typeof createCloud === 'function'
wxCloud.init({ env: 'e' })
