/**
 * The Heroku fault matrix, part 3: promotion create and rollback, one fault per run, and a
 * fault that never goes away (the cells are in fault-create-cells.ts; the table in
 * docs/fault-matrix.md).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cellsOf, closeExercise, exercisesFor, startExercise } from './fault-create-cells.js'

describe.each(exercisesFor(['promotion-create', 'rollback']))('%s', (_title, exercise) => {
  beforeAll(() => startExercise(exercise))
  afterAll(() => closeExercise(exercise))
  it.each(cellsOf(exercise))('%s', async (_name, cell) => {
    expect.hasAssertions()
    await cell()
  })
})
