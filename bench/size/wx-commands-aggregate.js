// "wx: + commands + aggregate".
import { Aggregate, createCloud, createCommand, wxHost, wxNative } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(wxNative), commands: createCommand, aggregate: Aggregate })
cloud.init({ env: 'demo' })
export const run = () => {
  const db = cloud.database()
  const _ = db.command
  return Promise.all([
    db.collection('todos').where({ priority: _.gte(2).and(_.lt(5)), tags: _.in(['sdk']) }).orderBy('priority', 'desc').get(),
    db.collection('todos').doc('t1').update({ data: { priority: _.inc(1), tags: _.push(['x']) } }),
    db.collection('todos').aggregate().match({ done: false }).group({ _id: '$owner', n: _.aggregate.sum(1) }).end(),
  ])
}
