/** Generated: ~650 dot paths (10 objects x 10 sub-objects x 5 leaves, an object array, a string array). */
import type { GeoPoint } from '../../../src/index'

export interface Sub0 {
  s0: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s1: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s2: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s3: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s4: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s5: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s6: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s7: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s8: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s9: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
}
export interface Sub1 {
  s0: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s1: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s2: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s3: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s4: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s5: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s6: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s7: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s8: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s9: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
}
export interface Sub2 {
  s0: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s1: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s2: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s3: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s4: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s5: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s6: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s7: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s8: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s9: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
}
export interface Sub3 {
  s0: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s1: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s2: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s3: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s4: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s5: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s6: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s7: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s8: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s9: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
}
export interface Sub4 {
  s0: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s1: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s2: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s3: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s4: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s5: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s6: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s7: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s8: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s9: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
}
export interface Sub5 {
  s0: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s1: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s2: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s3: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s4: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s5: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s6: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s7: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s8: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s9: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
}
export interface Sub6 {
  s0: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s1: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s2: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s3: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s4: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s5: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s6: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s7: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s8: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s9: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
}
export interface Sub7 {
  s0: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s1: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s2: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s3: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s4: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s5: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s6: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s7: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s8: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s9: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
}
export interface Sub8 {
  s0: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s1: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s2: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s3: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s4: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s5: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s6: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s7: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s8: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s9: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
}
export interface Sub9 {
  s0: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s1: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s2: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s3: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s4: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
  s5: { f0: string | null; f1: string; f2: number; f3: boolean; f4: Date }
  s6: { f0: string; f1: number; f2: boolean; f3: Date; f4: string | null }
  s7: { f0: number; f1: boolean; f2: Date; f3: string | null; f4: string }
  s8: { f0: boolean; f1: Date; f2: string | null; f3: string; f4: number }
  s9: { f0: Date; f1: string | null; f2: string; f3: number; f4: boolean }
}
export interface Line { sku: string; qty: number; price: number; note?: string }
export interface Large {
  o0: Sub0
  o1: Sub1
  o2: Sub2
  o3: Sub3
  o4: Sub4
  o5: Sub5
  o6: Sub6
  o7: Sub7
  o8: Sub8
  o9: Sub9
  lines: Line[]
  tags: string[]
  where?: GeoPoint
}
